/**
 * Turns log chunks into what the terminal is written: stderr in red by default (its own explicit colours
 * still win), each stream's colours kept apart when the two interleave, and optional `[HH:MM:SS.mmm] ` stamps.
 */
import type { LogEntry, OutputStream } from '../../../shared/api.ts';
import { clockStamp } from '../../../shared/clock-stamp.ts';

const ESC = '\x1b';
const RED = `${ESC}[31m`;
/** An SGR sequence, a line end or a lone carriage return: the only things the formatter looks at. */
const TOKEN = new RegExp(`${ESC}\\[([0-9;:]*)m|\\r?\\n|\\r`, 'g');
/** A CSI sequence cut off at the end of a chunk: held back until that stream's next chunk completes it. */
const CUT_ESCAPE = new RegExp(`${ESC}(?:\\[[0-?]*[ -/]*)?$`);
/** Attributes replayed when a stream resumes; past this, only the latest sequences are kept. */
const MAX_STATE = 256;

/** What an SGR sequence does to the foreground: back to the default, an explicit colour, or nothing. */
export function foregroundEffect(params: string): 'default' | 'explicit' | 'none' {
  const parts = params.split(';');
  let effect: 'default' | 'explicit' | 'none' = 'none';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const code = part === '' ? 0 : Number.parseInt(part, 10);
    if (part.includes(':')) {
      if (code === 38) effect = 'explicit'; // 38:5:n or 38:2::r:g:b carries its arguments inside
      continue;
    }
    if (code === 0 || code === 39) effect = 'default';
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) effect = 'explicit';
    else if (code === 38 || code === 48 || code === 58) {
      if (code === 38) effect = 'explicit';
      const mode = parts[i + 1];
      i += mode === '5' ? 2 : mode === '2' ? 4 : 1;
    }
  }
  return effect;
}

function resets(params: string): boolean {
  return params === '' || params.split(';').some((p) => p === '0' || p === '00');
}

export class LogFormatter {
  readonly timestamps: boolean;
  /** The stream whose attributes the terminal has now. */
  #current: OutputStream | null = null;
  /** Each stream's SGR sequences since its last reset, replayed when it resumes after the other. */
  readonly #state: Record<OutputStream, string> = { stdout: '', stderr: '' };
  readonly #carry: Record<OutputStream, string> = { stdout: '', stderr: '' };
  /** A stamp is due before what comes next: after a line end, or after a lone `\r` (a progress redraw). */
  #stampDue: 'line' | 'cr' | null = 'line';

  constructor(timestamps: boolean) {
    this.timestamps = timestamps;
  }

  /** The text to write for the next chunk (chunks must come in seq order). */
  format(entry: LogEntry): string {
    const stream = entry.stream;
    let data = this.#carry[stream] + entry.data;
    this.#carry[stream] = '';
    const cut = CUT_ESCAPE.exec(data);
    if (cut && cut[0].length <= 64) {
      this.#carry[stream] = cut[0];
      data = data.slice(0, cut.index);
    }
    if (data === '') return '';
    let out = '';
    if (this.#current !== stream) {
      out += `${ESC}[0m${this.#restore(stream)}`;
      this.#current = stream;
    }
    const stamp = this.timestamps ? `${ESC}[0;90m${clockStamp(entry.time)}${ESC}[0m ` : '';
    let last = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(data); m; m = TOKEN.exec(data)) {
      if (m.index > last) out += this.#stamped(stream, stamp) + data.slice(last, m.index);
      last = TOKEN.lastIndex;
      const token = m[0];
      if (m[1] !== undefined) {
        out += this.#stamped(stream, stamp) + this.#sgr(stream, m[1]);
      } else if (token === '\r') {
        out += this.#stamped(stream, stamp) + token;
        if (this.timestamps) this.#stampDue = 'cr';
      } else {
        if (this.#stampDue === 'cr') this.#stampDue = null; // `\r` then `\n`: a plain line end, the line already has its stamp
        out += this.#stamped(stream, stamp) + token;
        if (this.timestamps) this.#stampDue = 'line';
      }
    }
    if (last < data.length) out += this.#stamped(stream, stamp) + data.slice(last);
    return out;
  }

  /** The stamp, if one is due, followed by the stream's own attributes again. */
  #stamped(stream: OutputStream, stamp: string): string {
    if (!this.#stampDue || !stamp) return '';
    this.#stampDue = null;
    return stamp + this.#restore(stream);
  }

  #restore(stream: OutputStream): string {
    return (stream === 'stderr' ? RED : '') + this.#state[stream];
  }

  /** Rewrites a stderr reset so its default stays red, and records the sequence in the stream's state. */
  #sgr(stream: OutputStream, params: string): string {
    let sequence = `${ESC}[${params}m`;
    if (stream === 'stderr' && foregroundEffect(params) === 'default') sequence = `${ESC}[${params === '' ? '0' : params};31m`;
    let state = resets(params) ? sequence : this.#state[stream] + sequence;
    if (state.length > MAX_STATE) {
      const at = state.indexOf(ESC, state.length - MAX_STATE);
      state = at >= 0 ? state.slice(at) : sequence;
    }
    this.#state[stream] = state;
    return sequence;
  }
}
