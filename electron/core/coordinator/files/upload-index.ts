/** What the database knows about uploaded zips: their SHA-256, who may download them, when they can go. */
import type { StoreCore } from '../state/store-core.ts';

export class UploadIndex {
  readonly #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  /** Remembers an upload's SHA-256 (for jobs made later with its fileUrl). */
  record(name: string, sha256: string): void {
    this.#core.db.transaction(() => this.#core.jobs.recordUpload(name, sha256, this.#core.now()));
  }

  sha256(name: string): string | null {
    return this.#core.jobs.uploadSha256(name);
  }

  forget(name: string): void {
    this.#core.db.transaction(() => this.#core.jobs.forgetUpload(name));
  }

  /** Whether `workerId` may download `fileUrl`: it is the file of a job the worker runs now. */
  mayFetch(workerId: string, fileUrl: string): boolean {
    return this.#core.jobs.fileInUseBy(fileUrl, workerId);
  }

  /** Upload URLs whose jobs all ended before `cutoff` (ms): only a "Run again" could want them, which retention allows for. */
  doneBefore(cutoff: number): string[] {
    return this.#core.jobs.uploadsDoneBefore(cutoff);
  }

  isReferenced(fileUrl: string): boolean {
    return this.#core.jobs.isFileReferenced(fileUrl);
  }
}
