/**
 * The part of a log the terminal holds: a run of consecutive chunks bounded in characters and in rows,
 * because xterm cannot prepend and its scrollback is bounded too. It keeps the newest end while
 * following and the oldest end while the user reads back, and says what lies beyond either end.
 */
import type { LogEntry } from '../../../shared/api.ts';
import type { LogSlice } from './log-source.ts';

export interface WindowLimits {
  chars: number;
  /** Estimated terminal rows: kept under the terminal's scrollback so a re-render loses nothing at the top. */
  rows: number;
}

export const WINDOW_LIMITS: WindowLimits = { chars: 2 * 1024 * 1024, rows: 40_000 };
/** Rows a long line wraps into, roughly, for the estimate (a narrow terminal wraps more, a wide one less). */
const WRAP_COLUMNS = 120;

interface Item {
  entry: LogEntry;
  rows: number;
}

function estimateRows(data: string): number {
  let rows = Math.floor(data.length / WRAP_COLUMNS);
  for (let at = data.indexOf('\n'); at >= 0; at = data.indexOf('\n', at + 1)) rows++;
  return rows;
}

function toItem(entry: LogEntry): Item {
  return { entry, rows: estimateRows(entry.data) };
}

export class LogWindow {
  readonly #limits: WindowLimits;
  #items: Item[] = [];
  #chars = 0;
  #rows = 0;
  /** Chunks exist before the first one held. */
  older = false;
  /** Chunks exist after the last one held that the window let go (reading back through a big log). */
  newer = false;

  constructor(limits: WindowLimits = WINDOW_LIMITS) {
    this.#limits = limits;
  }

  get empty(): boolean {
    return this.#items.length === 0;
  }

  get firstSeq(): number | null {
    return this.#items[0]?.entry.seq ?? null;
  }

  /** The last seq held, -1 when empty. */
  get lastSeq(): number {
    return this.#items.at(-1)?.entry.seq ?? -1;
  }

  get chunks(): LogEntry[] {
    return this.#items.map((i) => i.entry);
  }

  /** The chunks held with seq above `seq`. */
  after(seq: number): LogEntry[] {
    let i = this.#items.length;
    while (i > 0 && this.#items[i - 1]!.entry.seq > seq) i--;
    return this.#items.slice(i).map((item) => item.entry);
  }

  /** Holds the log's tail: as much of its newest end as fits. */
  replace(slice: LogSlice): void {
    this.#items = [];
    this.#chars = 0;
    this.#rows = 0;
    this.older = slice.older;
    this.newer = false;
    this.#push(slice.chunks);
    this.#trimOldest();
  }

  /**
   * Adds live chunks, ignoring any already held. Past the limits it lets the oldest go (`keep: 'newest'`,
   * following the end) or stops taking chunks and sets `newer` (`keep: 'oldest'`, the user reads back).
   * Returns the chunks added.
   */
  append(chunks: LogEntry[], keep: 'newest' | 'oldest' = 'newest'): LogEntry[] {
    if (this.newer) return []; // the end is not held, so these would not follow on
    const fresh: LogEntry[] = [];
    let last = this.lastSeq;
    for (const chunk of chunks) {
      if (chunk.seq <= last) continue; // sent again after a reconnect
      if (keep === 'oldest' && this.#items.length > 0 && this.#over(chunk)) {
        this.newer = true;
        break;
      }
      fresh.push(chunk);
      this.#push([chunk]);
      last = chunk.seq;
    }
    if (keep === 'newest') this.#trimOldest();
    return fresh;
  }

  /**
   * Adds the page before the window. Half the limits go to the page's newest end and the rest to the
   * window's oldest end, so the user's place keeps context on both sides; what falls past the window's
   * newest end sets `newer`.
   */
  prepend(slice: LogSlice): void {
    const first = this.firstSeq ?? Infinity;
    const page = slice.chunks.filter((c) => c.seq < first).map(toItem);
    let start = page.length;
    let chars = 0;
    let rows = 0;
    while (start > 0) {
      const item = page[start - 1]!;
      const full = chars + item.entry.data.length > this.#limits.chars / 2 || rows + item.rows > this.#limits.rows / 2;
      if (full && start < page.length) break;
      chars += item.entry.data.length;
      rows += item.rows;
      start--;
    }
    this.older = page.length > 0 && (slice.older || start > 0);
    const kept = page.slice(start);
    this.#items = [...kept, ...this.#items];
    this.#chars += chars;
    this.#rows += rows;
    while (this.#items.length > kept.length + 1 && this.#over()) {
      const item = this.#items.pop()!;
      this.#chars -= item.entry.data.length;
      this.#rows -= item.rows;
      this.newer = true;
    }
  }

  #push(chunks: LogEntry[]): void {
    for (const entry of chunks) {
      const item = toItem(entry);
      this.#items.push(item);
      this.#chars += entry.data.length;
      this.#rows += item.rows;
    }
  }

  #trimOldest(): void {
    let drop = 0;
    while (drop < this.#items.length - 1 && this.#over()) {
      const item = this.#items[drop++]!;
      this.#chars -= item.entry.data.length;
      this.#rows -= item.rows;
    }
    if (drop === 0) return;
    this.#items = this.#items.slice(drop);
    this.older = true;
  }

  /** Whether the window is past its limits, or would be with `adding`. */
  #over(adding?: LogEntry): boolean {
    const chars = this.#chars + (adding?.data.length ?? 0);
    const rows = this.#rows + (adding ? estimateRows(adding.data) : 0);
    return chars > this.#limits.chars || rows > this.#limits.rows;
  }
}
