/** What the database knows about uploaded zips: their SHA-256, who may download them, when they can go. */
import type { Store } from '../state/store.ts';
import { outsideAudit } from '../audit/audit-context.ts';

export class UploadIndex {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Remembers an upload's SHA-256 (for jobs made later with its fileUrl). */
  record(name: string, sha256: string): void {
    outsideAudit(() => this.#store.db.transaction(() => this.#store.uploads.record(name, sha256, this.#store.now())));
  }

  sha256(name: string): string | null {
    return this.#store.uploads.sha256(name);
  }

  forget(name: string): void {
    outsideAudit(() => this.#store.db.transaction(() => this.#store.uploads.forget(name)));
  }

  /** Whether `workerId` may download `fileUrl`: it is the zip (or the hidden tests) of a job the worker runs now. */
  mayFetch(workerId: string, fileUrl: string): boolean {
    return this.#store.uploads.inUseBy(fileUrl, workerId);
  }

  /** Upload URLs whose jobs all ended before `cutoff` (ms): only a "Run again" could want them, which retention allows for. */
  doneBefore(cutoff: number): string[] {
    return this.#store.uploads.doneBefore(cutoff);
  }

  isReferenced(fileUrl: string): boolean {
    return this.#store.uploads.isReferenced(fileUrl);
  }
}
