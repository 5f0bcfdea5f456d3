/**
 * Group commit: a request that changed state waits here before it is answered. All requests handled
 * in the same turn of the event loop share one fsync (Store.sync), so an acknowledged change is
 * always on disk, and a busy coordinator pays one fsync per batch instead of one per request.
 */
import { Refused } from '../refused.ts';
import type { Store } from './store.ts';

export class GroupCommit {
  readonly #store: Store;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #scheduled = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Resolves once everything committed so far is durable. */
  durable(): Promise<void> {
    if (!this.#store.unsynced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.#scheduled = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    try {
      this.#store.sync();
    } catch (error) {
      const refusal = new Refused(
        'unavailable',
        `The coordinator could not save the change to its disk (${(error as Error).message}); try again, and check the data folder's disk.`,
      );
      for (const w of waiters) w.reject(refusal);
      return;
    }
    for (const w of waiters) w.resolve();
  }
}
