/**
 * A running job's stop and suspension, apart from its command loop: a cancel or the running-time limit
 * stops the job's whole tree (SIGTERM, then SIGKILL after the grace period); the PC's user coming back
 * freezes it and pauses the limit (on Windows only with a Job Object); its end kills whatever it left behind.
 */
import type { RunOptions } from './executor.ts';
import { JobFreezer } from './job-freezer.ts';
import { JobTree } from './job-tree.ts';
import { RunningTimeout } from './running-timeout.ts';

export type StopReason = 'timeout' | 'cancel';

export class JobControl {
  /** Every process of the job: the command loop adds each line's shell. */
  readonly tree: JobTree;
  readonly #options: RunOptions;
  readonly #killGraceMs: number;
  readonly #freezer: JobFreezer;
  readonly #timeout: RunningTimeout;
  readonly #unsubscribe: (() => void) | undefined;
  readonly #onAbort = () => this.#stop('cancel');
  #stopReason: StopReason | undefined;
  #stoppedAt = Infinity;
  #killTimer: NodeJS.Timeout | undefined;

  /** Starts watching at once: the cancel signal, the time limit and the suspension (a job may start frozen). */
  constructor(options: RunOptions, platform: NodeJS.Platform) {
    this.#options = options;
    this.#killGraceMs = options.killGraceMs ?? 10_000;
    this.tree = new JobTree(platform, options.sandbox?.cgroup, options.sandbox?.jobObject);
    this.#freezer = new JobFreezer({
      tree: this.tree,
      cgroup: options.sandbox?.cgroup,
      namespaced: options.sandbox?.namespacePid !== undefined,
      stillFrozen: () => options.suspension?.suspended === true,
      stopping: () => this.#stopReason !== undefined,
      onTooLong: () => this.#stop('timeout'),
    });
    this.#timeout = new RunningTimeout(options.timeoutMs, () => this.#stop('timeout'));
    // Windows freezes a job by suspending the processes of its Job Object; without one it cannot.
    const canFreeze = platform !== 'win32' || options.sandbox?.jobObject !== undefined;
    this.#unsubscribe = canFreeze ? options.suspension?.subscribe((suspended) => this.#onSuspension(suspended)) : undefined;
    if (canFreeze && options.suspension?.suspended) this.#onSuspension(true);
    else this.#timeout.start();
    if (options.signal?.aborted) this.#onAbort();
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Why the job is being stopped (undefined: it is not). */
  get stopReason(): StopReason | undefined {
    return this.#stopReason;
  }

  /** When the stop began (performance.now()); Infinity while not stopped. */
  get stoppedAt(): number {
    return this.#stoppedAt;
  }

  /** The job ended: no more watching; what is still alive of it is killed. */
  async end(): Promise<void> {
    this.#timeout.clear();
    this.#freezer.dispose();
    this.#unsubscribe?.();
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    await this.tree.killLeftovers(this.#killGraceMs);
    clearTimeout(this.#killTimer);
  }

  #stop(reason: StopReason): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    this.#stoppedAt = performance.now();
    if (this.#options.suspension?.suspended) this.#freezer.thaw(); // a frozen process cannot act on SIGTERM
    this.tree.signal('SIGTERM');
    this.#killTimer = setTimeout(() => this.tree.signal('SIGKILL'), this.#killGraceMs);
    this.#killTimer.unref();
  }

  #onSuspension(suspended: boolean): void {
    if (this.#stopReason) return;
    if (suspended) {
      this.#timeout.pause();
      this.#freezer.freeze();
    } else {
      this.#freezer.thaw();
      this.#timeout.start();
    }
  }
}
