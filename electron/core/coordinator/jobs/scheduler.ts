/**
 * Hands jobs to workers. Idle workers wait in a long poll; the moment a job becomes pending the oldest
 * waiter gets it, so pickup takes milliseconds. A periodic sweep marks silent workers offline.
 */
import type { Logger } from '../../logger.ts';
import type { CoordinatorEvents } from '../live/events.ts';
import type { Store } from '../state/store.ts';
import { assignNextJob, type AssignOutcome } from './job-commands.ts';
import { sweep } from '../workers/worker-liveness.ts';

export interface SchedulerOptions {
  store: Store;
  events: CoordinatorEvents;
  logger: Logger;
  offlineAfterSeconds: number;
  now?: () => number;
}

interface Waiter {
  workerId: string;
  settle: (outcome: AssignOutcome) => void;
}

export class Scheduler {
  readonly #store: Store;
  readonly #events: CoordinatorEvents;
  readonly #logger: Logger;
  readonly #offlineAfterMs: number;
  readonly #now: () => number;
  #startedAt: number;
  #lastSweep: number;
  #sweepEveryMs = 2000;
  readonly #waiters = new Set<Waiter>();
  #sweepTimer: NodeJS.Timeout | undefined;
  readonly #onWork = () => this.dispatch();
  #dispatching = false;
  #again = false;

  constructor(options: SchedulerOptions) {
    this.#store = options.store;
    this.#events = options.events;
    this.#logger = options.logger;
    this.#offlineAfterMs = options.offlineAfterSeconds * 1000;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#lastSweep = this.#startedAt;
  }

  start(): void {
    this.#events.on('work-available', this.#onWork);
  }

  /** The offline sweep: one coordinator of a campus runs it at a time (campus/duties.ts). */
  startSweeping(): void {
    if (this.#sweepTimer) return;
    const every = Math.min(2000, Math.max(100, this.#offlineAfterMs / 10));
    this.#sweepEveryMs = every;
    // Silence counts from the moment this coordinator took the duty over, as from a start.
    this.#startedAt = this.#lastSweep = this.#now();
    this.#sweepTimer = setInterval(() => this.sweep(), every);
    this.#sweepTimer.unref();
  }

  stopSweeping(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  /** Stops the sweep and answers every waiting worker "no job", so the server can close. */
  stop(): void {
    this.#events.off('work-available', this.#onWork);
    this.stopSweeping();
    for (const waiter of [...this.#waiters]) waiter.settle({ ok: false, reason: 'no_pending_job' });
  }

  get waitingWorkers(): number {
    return this.#waiters.size;
  }

  /**
   * A job for `workerId` now, or within `waitMs` when one is created, or "none". `signal` ends the
   * wait early (the worker hung up), so a job is never given to a request nobody will read.
   */
  /** Whether the worker waits in its long poll now (it gets the next job that fits at once). */
  isWaiting(workerId: string): boolean {
    for (const waiter of this.#waiters) if (waiter.workerId === workerId) return true;
    return false;
  }

  takeJob(workerId: string, waitMs: number, signal?: AbortSignal): Promise<AssignOutcome> {
    const first = assignNextJob(this.#store, workerId);
    if (first.ok || first.reason !== 'no_pending_job' || waitMs <= 0 || signal?.aborted) {
      return Promise.resolve(first);
    }
    return new Promise((resolve) => {
      // Jittered, so the long polls of a lab that started together stop expiring in one burst.
      const timer = setTimeout(() => waiter.settle(first), waitMs * (0.75 + Math.random() * 0.25));
      const onAbort = () => waiter.settle(first);
      const waiter: Waiter = {
        workerId,
        settle: (outcome) => {
          if (!this.#waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends `workerId`'s long poll now with "no job", so its answer can carry something else for it (a wake relay, a power action). */
  release(workerId: string): void {
    for (const waiter of [...this.#waiters]) if (waiter.workerId === workerId) waiter.settle({ ok: false, reason: 'no_pending_job' });
  }

  /** Offers pending jobs to waiting workers, oldest waiter first (a targeted job may suit a later waiter only). */
  dispatch(): void {
    // Work announced while dispatching (an assignment's own news) is handled by this pass, never by a nested one.
    if (this.#dispatching) return void (this.#again = true);
    this.#dispatching = true;
    try {
      do {
        this.#again = false;
        this.offerToWaiters();
      } while (this.#again);
    } finally {
      this.#dispatching = false;
    }
  }

  private offerToWaiters(): void {
    for (const waiter of this.#waiters) {
      const outcome = assignNextJob(this.#store, waiter.workerId);
      if (!outcome.ok && outcome.reason === 'no_pending_job') {
        if (!this.#store.jobs.anyPending()) return;
        continue;
      }
      waiter.settle(outcome);
    }
  }

  /**
   * Marks workers offline that have not been heard from for `offlineAfter`. Liveness counts from this
   * coordinator's start too, so a restart does not declare every worker dead before it can heartbeat.
   */
  sweep(): void {
    const now = this.#now();
    // A sweep this late means this process was not running (frozen, suspended, a very long pause):
    // heartbeats could not reach us, so silence says nothing yet. Give every worker a fresh window.
    if (now - this.#lastSweep > Math.max(this.#sweepEveryMs * 5, this.#offlineAfterMs / 2)) {
      this.#logger.warn('the coordinator was not running for a while; giving workers a fresh offline window', { pausedMs: now - this.#lastSweep });
      this.#startedAt = now;
    }
    this.#lastSweep = now;
    // Heartbeats count as no older than our own start; cutoff 0 means nobody is stale yet.
    const cutoff = now - this.#startedAt > this.#offlineAfterMs ? now - this.#offlineAfterMs : 0;
    try {
      const report = sweep(this.#store, cutoff, this.#offlineAfterMs / 1000);
      for (const workerId of report.offline) this.#logger.warn('worker offline', { workerId });
      if (report.requeued.length) this.#logger.info('jobs requeued after worker loss', { jobIds: report.requeued });
      if (report.failed.length) this.#logger.warn('jobs failed after worker loss', { jobIds: report.failed });
      if (report.timedOut.length) this.#logger.warn('jobs timed out without a report', { jobIds: report.timedOut });
    } catch (error) {
      // Heartbeats could not be recorded either (the database was away): silence says nothing yet.
      this.#startedAt = now;
      this.#logger.error('sweep failed; workers get a fresh offline window', { error: (error as Error).message });
    }
  }
}
