/** What a LogView renders from, outside React: a terminal and its controller bound to a box for as long as it shows one source. */
import type { SearchAddon } from '@xterm/addon-search';
import { INITIAL_STATE, LogController, type LogViewState } from './log-controller.ts';
import type { LogSource } from './log-source.ts';
import { openLogTerminal } from './log-terminal.ts';

export interface LogViewSnapshot {
  state: LogViewState;
  controller: LogController | null;
  search: SearchAddon | null;
}

const DETACHED: LogViewSnapshot = { state: INITIAL_STATE, controller: null, search: null };

export class LogViewStore {
  #snapshot = DETACHED;
  readonly #listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): LogViewSnapshot => this.#snapshot;

  /** Opens a terminal in `container` showing `source`; returns the function that disposes of both. */
  attach(container: HTMLElement, source: LogSource): () => void {
    const term = openLogTerminal(container);
    const controller = new LogController(term, source, (state) => this.#set({ ...this.#snapshot, state }));
    // Reading back from the top of a log shorter than the screen scrolls nothing, so no scroll event says so.
    const onWheel = (e: WheelEvent) => e.deltaY < 0 && term.atTop() && void controller.loadOlder();
    container.addEventListener('wheel', onWheel, { passive: true });
    this.#set({ state: controller.state, controller, search: term.search });
    void controller.open();
    return () => {
      container.removeEventListener('wheel', onWheel);
      controller.dispose();
      term.dispose();
      this.#set(DETACHED);
    };
  }

  #set(snapshot: LogViewSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}
