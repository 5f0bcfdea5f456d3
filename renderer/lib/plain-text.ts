/** A terminal's output as plain lines, for showing in a <pre> and comparing line by line. */

// CSI (colours, cursor moves), OSC (titles, links; ended by BEL or ST) and the two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** The lines of `text` as plain text (no escape codes, `\r` redraws applied); no empty line for a final newline. */
export function outputLines(text: string): string[] {
  const lines = text.replace(ESCAPES, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => {
    const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
    const redraw = trimmed.lastIndexOf('\r');
    return redraw === -1 ? trimmed : trimmed.slice(redraw + 1);
  });
}
