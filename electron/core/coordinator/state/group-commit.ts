/**
 * Group commit: a request that changed state waits here before it is answered. Requests share one fdatasync of
 * the WAL, run off the event loop (Database.syncWal), so an acknowledged change is always on disk, a busy
 * coordinator pays one sync per batch instead of one per request, and other requests are served meanwhile.
 * A change waits for a sync that started after its commit; one sync runs at a time, and the next batch
 * (what committed during it) goes as soon as it ends.
 */
import { Refused } from '../refused.ts';
import { PostgresError } from './postgres/pg-bridge.ts';
import type { Store } from './store.ts';

interface Waiter {
  /** The commit count when it asked: a sync that started at or after it covers it. */
  commits: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class GroupCommit {
  readonly #store: Store;
  #waiters: Waiter[] = [];
  /** Commits covered by the last sync that ended. */
  #durable = 0;
  #running = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Resolves once everything committed so far is durable. */
  durable(): Promise<void> {
    const commits = this.#store.db.commits;
    if (commits <= this.#durable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ commits, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        setImmediate(() => void this.flush()); // what else commits in this turn of the loop rides along
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.#waiters.length > 0) {
      const covers = this.#store.db.commits;
      try {
        await this.#store.db.syncWal();
      } catch (error) {
        const refusal = new Refused(
          'unavailable',
          error instanceof PostgresError
            ? 'The coordinator could not confirm the change with its database (PostgreSQL); try again, and check the database server.'
            : `The coordinator could not save the change to its disk (${(error as Error).message}); try again, and check the data folder's disk.`,
        );
        for (const w of this.#waiters.filter((w) => w.commits <= covers)) w.reject(refusal);
        this.#waiters = this.#waiters.filter((w) => w.commits > covers);
        continue;
      }
      this.#durable = Math.max(this.#durable, covers);
      const done = this.#waiters.filter((w) => w.commits <= covers);
      this.#waiters = this.#waiters.filter((w) => w.commits > covers);
      for (const w of done) w.resolve();
    }
    this.#running = false;
  }
}
