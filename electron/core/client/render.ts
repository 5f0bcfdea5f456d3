/** What the client prints, fitted to where it goes: colours and a progress bar on a terminal, plain text in a pipe. */

/** Where output goes: process.stdout / process.stderr, or a test's stand-in. */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The client's view of its terminal. */
export interface Terminal {
  out: OutStream;
  err: OutStream;
  env: NodeJS.ProcessEnv;
}

export function processTerminal(): Terminal {
  return { out: process.stdout, err: process.stderr, env: process.env };
}

/**
 * Whether `stream` gets escape codes (colours, a progress bar or a summary redrawn in place): only a
 * terminal, and never when NO_COLOR is set to anything (https://no-color.org). Elsewhere, plain lines.
 */
export function escapeCodes(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

// eslint-disable-next-line no-control-regex -- colour codes start with ESC
const COLOUR_CODE = /(\x1b\[[0-9;]*m)/;
// eslint-disable-next-line no-control-regex -- a reset is ESC [ m or ESC [ 0 m
const RESET = /\x1b\[0?m/g;

const sgr = (on: number, off: number) => (text: string) => `\x1b[${on}m${text}\x1b[${off}m`;
const identity = (text: string) => text;

/** Colour functions that are plain when `on` is false. */
export function paint(on: boolean): Paint {
  if (!on) return { red: identity, green: identity, yellow: identity, dim: identity, bold: identity };
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/**
 * A job's stderr in red. A reset inside the text (the program's own colours) would end the red early,
 * so red is turned on again after each one.
 */
export function redStderr(text: string): string {
  return `\x1b[31m${text.replace(RESET, (reset) => `${reset}\x1b[31m`)}\x1b[39m`;
}

/** `1.5 MB`, `320 KB`, `12 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** `[#########...........]  45%  1.2 MB of 2.7 MB`, `width` characters of bar. */
export function progressLine(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}  ${formatBytes(done)} of ${formatBytes(total)}`;
}

export interface Progress {
  update(done: number): void;
  finish(): void;
}

/** A progress bar redrawn in place (at most 10 times a second) where escape codes may go; nothing at all elsewhere. */
export function progressBar(stream: OutStream, env: NodeJS.ProcessEnv, total: number, label: string, now: () => number = Date.now): Progress {
  if (!escapeCodes(stream, env)) return { update: () => {}, finish: () => {} };
  let last = -Infinity;
  let shown = -1;
  const draw = (done: number) => {
    shown = done;
    stream.write(`\r${label} ${progressLine(done, total)}\x1b[K`);
  };
  return {
    update(done) {
      if (now() - last < 100 && done < total) return;
      last = now();
      draw(done);
    },
    finish() {
      if (shown !== total) draw(total);
      stream.write('\n');
    },
  };
}

/** Rows as aligned columns (the last one is not padded); widths count characters, as a terminal shows ASCII. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visibleLength(r[i] ?? ''))));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Length without colour codes. */
function visibleLength(text: string): number {
  return text
    .split(COLOUR_CODE)
    .filter((part) => !COLOUR_CODE.test(part))
    .join('').length;
}

/** The line cut to `width` visible characters, its colour codes kept (so that a redrawn line never wraps). */
export function cutToWidth(line: string, width: number): string {
  let visible = 0;
  let result = '';
  for (const part of line.split(COLOUR_CODE)) {
    if (COLOUR_CODE.test(part)) {
      result += part;
      continue;
    }
    const room = Math.max(0, width - visible);
    result += part.slice(0, room);
    visible += Math.min(part.length, room);
  }
  return result;
}

/** `2025-01-15 14:03:22` in local time; `-` for none. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '-';
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `850 ms`, `12.4 s`, `3 min 05 s`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}
