/** Writing the client's results: JSON as the coordinator sent it, and streams that wait when the reader is slow. */
import type { OutStream } from './render.ts';

/** `value` as indented JSON, for `--json`. */
export function printJson(out: OutStream, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `chunk` and, when the stream's buffer is full, waits until it drains (a slow pipe holds the download back). */
export async function writeChunk(out: OutStream, chunk: string | Uint8Array): Promise<void> {
  if (out.write(chunk) === false && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
}
