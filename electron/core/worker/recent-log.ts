/** The running job's latest output on this PC, in order and bounded, for the worker's own view. */
import type { LogEntry, OutputStream } from '../../../shared/api.ts';

export class RecentLog {
  readonly #maxChars: number;
  #entries: LogEntry[] = [];
  #chars = 0;
  #seq = 0;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  /** Keeps a piece of output (the oldest go when over the bound) and returns it as an entry. */
  add(stream: OutputStream, data: string, time: number): LogEntry {
    const entry: LogEntry = { seq: this.#seq++, stream, time, data: data.length > this.#maxChars ? data.slice(-this.#maxChars) : data };
    this.#entries.push(entry);
    this.#chars += entry.data.length;
    let drop = 0;
    while (this.#chars > this.#maxChars) this.#chars -= this.#entries[drop++]!.data.length;
    if (drop > 0) this.#entries = this.#entries.slice(drop);
    return entry;
  }

  entries(): LogEntry[] {
    return this.#entries.slice();
  }
}
