/** Writing the client's results: JSON as the coordinator sent it, and streams that wait when the reader is slow. */
import type { OutStream } from './render.ts';

// JSON leaves DEL, C1 (8-bit CSI/OSC) and bidi overrides as they are: escaped here, the JSON is the same and the terminal safe.
const UNESCAPED = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `value` as indented JSON, for `--json`. */
export function printJson(out: OutStream, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2).replace(UNESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`);
}

/** Writes `chunk` and, when the stream's buffer is full, waits until it drains (a slow pipe holds the download back). */
export async function writeChunk(out: OutStream, chunk: string | Uint8Array): Promise<void> {
  if (out.write(chunk) === false && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
}
