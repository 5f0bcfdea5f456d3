/**
 * Drives one log view outside React: opens on the tail, follows live chunks, loads older pages when the
 * user reads back (re-rendering the bounded window, since xterm cannot prepend), and tells the view
 * what to show around the terminal. Writes happen one at a time; live chunks are coalesced between them.
 */
import type { LogEntry } from '../../../shared/api.ts';
import { LogFormatter } from './log-format.ts';
import type { LogSource } from './log-source.ts';
import type { LogTerminal } from './log-terminal.ts';
import { LogWindow } from './log-window.ts';

export interface LogViewState {
  phase: 'loading' | 'ready' | 'error';
  /** Why the log could not be read, as a sentence. */
  error: string | null;
  empty: boolean;
  atBottom: boolean;
  /** Output exists before what the terminal holds. */
  older: boolean;
  loadingOlder: boolean;
  /** Output exists after what the terminal holds (the user read back far, or the live feed gave up): not following. */
  newerHidden: boolean;
  timestamps: boolean;
}

/** Where the viewport goes after a full re-render: the end, the row where a chunk starts, or a row. */
type Anchor = { kind: 'bottom' } | { kind: 'seq'; seq: number } | { kind: 'row'; row: number };

export const INITIAL_STATE: LogViewState = {
  phase: 'loading',
  error: null,
  empty: true,
  atBottom: true,
  older: false,
  loadingOlder: false,
  newerHidden: false,
  timestamps: false,
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class LogController {
  readonly #term: LogTerminal;
  readonly #source: LogSource;
  readonly #onState: (state: LogViewState) => void;
  #state: LogViewState = INITIAL_STATE;
  readonly #window = new LogWindow();
  #formatter = new LogFormatter(false);
  /** Bumped by every (re)open, so the answers of an earlier one are dropped. */
  #generation = 0;
  /** The last seq written to the terminal. */
  #rendered = -1;
  /** A full re-render is due, with where to leave the viewport. */
  #full: Anchor | null = null;
  #rendering = false;
  #unfollow: (() => void) | null = null;
  #disposed = false;
  readonly #cleanups: (() => void)[] = [];

  constructor(term: LogTerminal, source: LogSource, onState: (state: LogViewState) => void) {
    this.#term = term;
    this.#source = source;
    this.#onState = onState;
    const scrolled = term.terminal.onScroll(() => this.#onScroll());
    this.#cleanups.push(() => scrolled.dispose());
  }

  get state(): LogViewState {
    return this.#state;
  }

  /** Shows the log's tail, then follows it unless the job has ended. */
  async open(): Promise<void> {
    const generation = ++this.#generation;
    this.#stopFollowing();
    this.#set({ phase: 'loading', error: null });
    let tail;
    try {
      tail = await this.#source.tail();
    } catch (e) {
      if (generation === this.#generation && !this.#disposed) this.#set({ phase: 'error', error: message(e) });
      return;
    }
    if (generation !== this.#generation || this.#disposed) return;
    this.#window.replace(tail);
    this.#render({ kind: 'bottom' });
    this.#set({ phase: 'ready', atBottom: true, loadingOlder: false, ...this.#windowState() });
    if (!tail.complete) this.#follow(generation);
  }

  /** Reads the page before the window and shows it above, keeping the user's line in view. */
  async loadOlder(): Promise<void> {
    const first = this.#window.firstSeq;
    if (this.#state.loadingOlder || this.#state.phase !== 'ready' || !this.#window.older || first === null) return;
    const generation = this.#generation;
    this.#set({ loadingOlder: true });
    try {
      const slice = await this.#source.before(first);
      if (generation !== this.#generation || this.#disposed || this.#window.firstSeq !== first) return;
      this.#window.prepend(slice);
      if (this.#window.newer) this.#stopFollowing();
      this.#render({ kind: 'seq', seq: first });
      this.#set(this.#windowState());
    } catch (e) {
      if (generation === this.#generation && !this.#disposed) this.#set({ error: message(e) });
    } finally {
      if (generation === this.#generation && !this.#disposed) this.#set({ loadingOlder: false });
    }
  }

  /** Scrolls to the end and follows again; reloads the tail when the window does not hold the end. */
  jumpToEnd(): void {
    if (this.#window.newer || this.#state.phase === 'error') {
      void this.open();
      return;
    }
    this.#term.terminal.scrollToBottom();
    this.#set({ atBottom: true });
  }

  /** Re-renders the window with or without `[HH:MM:SS.mmm] ` at the start of each line. */
  setTimestamps(on: boolean): void {
    if (on === this.#state.timestamps) return;
    this.#set({ timestamps: on });
    const buffer = this.#term.terminal.buffer.active;
    this.#render(this.#term.atBottom() ? { kind: 'bottom' } : { kind: 'row', row: buffer.viewportY });
  }

  dispose(): void {
    this.#disposed = true;
    this.#stopFollowing();
    for (const cleanup of this.#cleanups) cleanup();
  }

  #follow(generation: number): void {
    this.#unfollow = this.#source.follow(
      this.#window.lastSeq,
      (chunks) => {
        if (generation === this.#generation && !this.#disposed) this.#onChunks(chunks);
      },
      () => {
        if (generation === this.#generation && !this.#disposed) this.#onReset();
      },
    );
  }

  #stopFollowing(): void {
    this.#unfollow?.();
    this.#unfollow = null;
  }

  /**
   * Whether the user is at the end. While writes are on their way the terminal's own position lags
   * behind its new rows, so then the last position the user chose counts (a fast log never "scrolls
   * up" by itself and stops following).
   */
  #atEnd(): boolean {
    return this.#rendering ? this.#state.atBottom : this.#term.atBottom();
  }

  #onChunks(chunks: LogEntry[]): void {
    // At the end the oldest output makes room; reading back, the part being read stays and following stops.
    const added = this.#window.append(chunks, this.#atEnd() ? 'newest' : 'oldest');
    if (this.#window.newer) this.#stopFollowing();
    if (added.length > 0) this.#render(null);
    this.#set(this.#windowState());
  }

  /** The feed cannot catch up: reload the tail if the user is at the end, else say newer output is not shown. */
  #onReset(): void {
    this.#stopFollowing();
    if (this.#atEnd()) {
      void this.open();
      return;
    }
    this.#window.newer = true;
    this.#set(this.#windowState());
  }

  #onScroll(): void {
    if (this.#rendering) return; // the writes themselves scroll; the position is read once they are done
    this.#updatePosition();
  }

  #updatePosition(): void {
    const atBottom = this.#term.atBottom();
    if (atBottom !== this.#state.atBottom) this.#set({ atBottom });
    if (this.#term.atTop() && !atBottom) void this.loadOlder();
  }

  /** Asks for a full re-render (`anchor`) or for the window's new chunks to be written (null). */
  #render(anchor: Anchor | null): void {
    if (anchor) this.#full = anchor;
    if (!this.#rendering) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#rendering = true;
    try {
      while (!this.#disposed) {
        const full = this.#full;
        if (full) {
          this.#full = null;
          await this.#renderAll(full);
          continue;
        }
        const fresh = this.#window.after(this.#rendered);
        if (fresh.length === 0) break;
        this.#rendered = fresh.at(-1)!.seq;
        await this.#term.write(this.#format(fresh));
      }
    } finally {
      this.#rendering = false;
    }
    // Following: the writes end at the bottom whatever the terminal's lagging position says.
    if (!this.#disposed && this.#state.atBottom && !this.#window.newer) this.#term.terminal.scrollToBottom();
    if (!this.#disposed) this.#updatePosition();
  }

  async #renderAll(anchor: Anchor): Promise<void> {
    const chunks = this.#window.chunks;
    this.#formatter = new LogFormatter(this.#state.timestamps);
    this.#rendered = this.#window.lastSeq;
    this.#term.reset();
    const terminal = this.#term.terminal;
    if (anchor.kind === 'seq') {
      let split = chunks.findIndex((c) => c.seq >= anchor.seq);
      if (split < 0) split = chunks.length;
      await this.#term.write(this.#format(chunks.slice(0, split)));
      const row = this.#term.cursorRow();
      await this.#term.write(this.#format(chunks.slice(split)));
      terminal.scrollToLine(row);
      return;
    }
    await this.#term.write(this.#format(chunks));
    if (anchor.kind === 'row') terminal.scrollToLine(anchor.row);
    else terminal.scrollToBottom();
  }

  #format(chunks: LogEntry[]): string {
    let text = '';
    for (const chunk of chunks) text += this.#formatter.format(chunk);
    return text;
  }

  #windowState(): Partial<LogViewState> {
    return { empty: this.#window.empty, older: this.#window.older, newerHidden: this.#window.newer };
  }

  #set(patch: Partial<LogViewState>): void {
    const next = { ...this.#state, ...patch };
    if ((Object.keys(patch) as (keyof LogViewState)[]).every((k) => next[k] === this.#state[k])) return;
    this.#state = next;
    this.#onState(next);
  }
}
