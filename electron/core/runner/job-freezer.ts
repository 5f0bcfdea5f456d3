/**
 * Freezes a running job while the PC's user is back: SIGSTOP to every process of the job (state T in
 * /proc); then, once they stopped, its cgroup frozen too (atomic: no process of the job can thaw
 * another), and a new SIGSTOP round every 200 ms for whatever a job without a cgroup let slip. Thawing
 * undoes both. On Windows the same rounds suspend the processes of the job's Job Object (job-tree.ts);
 * without a Job Object a Windows job cannot be frozen, and the worker lets it finish instead.
 */
import type { JobCgroup } from './cgroup.ts';
import { processState, signalPid, type JobTree } from './job-tree.ts';

/** A job frozen this long without a break (the PC in use for a day) is stopped as timed out. */
const MAX_FROZEN_MS = 24 * 3600_000;

export interface FreezerOptions {
  tree: JobTree;
  cgroup: JobCgroup | undefined;
  /** Lines enter the job's namespaces through nsenter, which must be continued after a thaw. */
  namespaced: boolean;
  /** Whether the job should still be frozen, and whether it is being stopped (then the rounds end). */
  stillFrozen: () => boolean;
  stopping: () => boolean;
  /** Frozen for longer than a day. */
  onTooLong: () => void;
}

export class JobFreezer {
  readonly #o: FreezerOptions;
  #refreeze: NodeJS.Timeout | undefined;

  constructor(options: FreezerOptions) {
    this.#o = options;
  }

  freeze(): void {
    clearInterval(this.#refreeze);
    const { tree, cgroup } = this.#o;
    const since = performance.now();
    tree.signal('SIGSTOP', false);
    let rounds = 0;
    this.#refreeze = setInterval(() => {
      if (!this.#o.stillFrozen() || this.#o.stopping()) return clearInterval(this.#refreeze);
      if (performance.now() - since > MAX_FROZEN_MS) return this.#o.onTooLong(); // not frozen forever
      tree.signal('SIGSTOP', false);
      if (++rounds === 1) {
        try {
          cgroup?.freeze(true);
        } catch {
          // cgroup v1 or no freezer: the SIGSTOP rounds hold it
        }
      }
    }, 200);
    this.#refreeze.unref();
  }

  thaw(): void {
    clearInterval(this.#refreeze);
    try {
      this.#o.cgroup?.freeze(false);
    } catch {
      // no freezer here: SIGCONT does it
    }
    this.#o.tree.signal('SIGCONT', false);
    if (this.#o.namespaced) this.#resumeNsenter();
  }

  dispose(): void {
    clearInterval(this.#refreeze);
  }

  /** nsenter, on seeing its child stopped, stops itself (and so never reaps it): after a thaw it is continued until it runs. */
  #resumeNsenter(): void {
    const until = performance.now() + 5000;
    const check = setInterval(() => {
      const pid = this.#o.tree.current?.pid;
      if (performance.now() > until || this.#o.stillFrozen() || this.#o.stopping() || pid === undefined) return clearInterval(check);
      if (processState(pid) === 'T') signalPid(pid, 'SIGCONT');
    }, 50);
    check.unref();
  }
}
