/**
 * A job's output on the admin's screen: only colours and line breaks get through (shared/terminal-text.ts),
 * on a terminal always, elsewhere unless --raw asks for the bytes as they came.
 */
import { StringDecoder } from 'node:string_decoder';
import { plainText, TerminalFilter } from '../../../shared/terminal-text.ts';
import { UsageError } from '../options/parse-options.ts';
import type { OutStream } from './render.ts';

/** Whether the job's bytes go out unfiltered: only with --raw, and never onto a terminal. */
export function rawOutput(out: OutStream, raw: boolean | undefined): boolean {
  if (!raw) return false;
  if (out.isTTY) throw new UsageError('--raw writes a job\'s escape sequences unfiltered and is only for a pipe or a file: add "> FILE" or leave --raw out.');
  return true;
}

/** Turns a job's bytes or text, chunk by chunk, into what may be written (a sequence split between chunks is still caught). */
export class JobOutputFilter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #filter = new TerminalFilter(true);
  readonly #raw: boolean;

  constructor(raw: boolean) {
    this.#raw = raw;
  }

  push(chunk: string | Uint8Array): string | Uint8Array {
    if (this.#raw) return chunk;
    return this.#filter.push(typeof chunk === 'string' ? chunk : this.#decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  }

  end(): string {
    if (this.#raw) return '';
    return this.#filter.push(this.#decoder.end()) + this.#filter.end();
  }
}

/** A copy of an API answer for tables and one-line fields: every string in it plain text (no escape, no control, no bidi override). */
export function plainStrings<T>(value: T): T {
  if (typeof value === 'string') return plainText(value) as T;
  if (Array.isArray(value)) return value.map(plainStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainStrings(inner)])) as T;
  }
  return value;
}
