/** A log kept in the page (the worker's own view, a direct run): what was pushed, paged like the coordinator's. */
import { LIMITS, type LogEntry } from '../../../shared/api.ts';
import { saveBlob } from '../../lib/save-file.ts';
import type { LogSlice, LogSource, LogTail } from './log-source.ts';

/** The most text kept; the oldest chunks go first. */
const MAX_CHARS = 16 * 1024 * 1024;

export class MemoryLogSource implements LogSource {
  readonly #fileName: string;
  #entries: LogEntry[] = [];
  #chars = 0;
  readonly #followers = new Set<(chunks: LogEntry[]) => void>();

  constructor(fileName: string, entries: LogEntry[] = []) {
    this.#fileName = fileName;
    this.push(entries);
  }

  /** Adds chunks in seq order, ignoring any already held, and hands them to followers. */
  push(entries: LogEntry[]): void {
    const fresh: LogEntry[] = [];
    let last = this.#entries.at(-1)?.seq ?? -1;
    for (const entry of entries) {
      if (entry.seq <= last) continue;
      fresh.push(entry);
      last = entry.seq;
    }
    if (fresh.length === 0) return;
    this.#entries.push(...fresh);
    for (const entry of fresh) this.#chars += entry.data.length;
    let drop = 0;
    while (this.#chars > MAX_CHARS && drop < this.#entries.length - 1) this.#chars -= this.#entries[drop++]!.data.length;
    if (drop > 0) this.#entries = this.#entries.slice(drop);
    for (const follower of this.#followers) follower(fresh);
  }

  tail(): Promise<LogTail> {
    return Promise.resolve({ ...this.#pageEndingAt(this.#entries.length), complete: false });
  }

  before(seq: number): Promise<LogSlice> {
    let end = this.#entries.length;
    while (end > 0 && this.#entries[end - 1]!.seq >= seq) end--;
    return Promise.resolve(this.#pageEndingAt(end));
  }

  follow(after: number, onChunks: (chunks: LogEntry[]) => void): () => void {
    let live = true;
    const follower = (chunks: LogEntry[]) => live && onChunks(chunks);
    // What is held past `after` comes first, outside the caller's own call, like a feed's first message.
    queueMicrotask(() => {
      const held = this.#entries.filter((e) => e.seq > after);
      if (live && held.length > 0) onChunks(held);
      if (live) this.#followers.add(follower);
    });
    return () => {
      live = false;
      this.#followers.delete(follower);
    };
  }

  download(): Promise<void> {
    saveBlob(
      new Blob(
        this.#entries.map((e) => e.data),
        { type: 'text/plain;charset=utf-8' },
      ),
      this.#fileName,
    );
    return Promise.resolve();
  }

  /** The page that ends just before index `end`: as many chunks as one coordinator page would hold. */
  #pageEndingAt(end: number): LogSlice {
    let start = end;
    let chars = 0;
    while (start > 0 && end - start < LIMITS.logPageChunks && chars <= LIMITS.logPageBytes) chars += this.#entries[--start]!.data.length;
    return { chunks: this.#entries.slice(start, end), older: start > 0 };
  }
}
