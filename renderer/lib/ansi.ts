/** Turns text with ANSI SGR colour codes into styled segments (other escape codes are dropped). */

export interface Segment {
  text: string;
  className: string;
}

const COLORS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const ESC = String.fromCharCode(27);
/** An SGR or other CSI sequence: ESC [ params letter. */
const ESCAPE = new RegExp(`${ESC}\\[([0-9;]*)([A-Za-z])`, 'g');

export function parseAnsi(text: string, base = ''): Segment[] {
  const segments: Segment[] = [];
  let fg = '';
  let bold = false;
  let last = 0;
  const push = (chunk: string) => {
    if (!chunk) return;
    const className = [base, fg && `ansi-${fg}`, bold && 'ansi-bold'].filter(Boolean).join(' ');
    const prev = segments[segments.length - 1];
    if (prev && prev.className === className) prev.text += chunk;
    else segments.push({ text: chunk, className });
  };
  for (const match of text.matchAll(ESCAPE)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] !== 'm') continue;
    for (const code of (match[1] || '0').split(';').map(Number)) {
      if (code === 0) {
        fg = '';
        bold = false;
      } else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code === 39) fg = '';
      else if (code >= 30 && code <= 37) fg = COLORS[code - 30]!;
      else if (code >= 90 && code <= 97) fg = `bright-${COLORS[code - 90]}`;
    }
  }
  push(text.slice(last));
  return segments;
}
