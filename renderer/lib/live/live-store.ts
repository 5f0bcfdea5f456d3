/** The dashboard's live picture, outside React: a snapshot on (re)connect, then coalesced changes from /api/ws. */
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import type { JobCounts } from '../../../shared/job-status.ts';
import type { LiveServerMessage } from '../../../shared/live.ts';
import type { CoordinatorApi, LiveConnection } from '../api.ts';
import { mergeWorkers, withSeen } from './worker-order.ts';

export interface LiveState {
  connected: boolean;
  /** In the API's order (by name), kept as they change so rows do not jump; a new one goes where its name sorts. */
  workers: WorkerDto[];
  /** Jobs the feed told us about, newest first (the first page plus every change since). */
  jobs: Map<string, JobDto>;
  totalJobs: number;
  /** Jobs by outcome, from the snapshot and then at most once a second (null before the first snapshot). */
  counts: JobCounts | null;
  /** Where the jobs older than the snapshot's page start (`before` for the next page), or null when it held them all. */
  olderThan: string | null;
  /** Bumped on every snapshot, so views can refetch what they show. */
  epoch: number;
}

/** Jobs that changed (`snapshot`: the feed (re)connected and the page may have missed any change). */
export type JobChangeListener = (jobs: JobDto[], snapshot: boolean) => void;

export type LogMessage = Extract<LiveServerMessage, { type: 'log' | 'log-reset' }>;
export type LogListener = (m: LogMessage) => void;

/** One follower of a job's log, and the last seq it was given: what it is subscribed after, again after a reconnect. */
interface LogFollower {
  listener: LogListener;
  last: number;
}

export class LiveStore {
  #state: LiveState = { connected: false, workers: [], jobs: new Map(), totalJobs: 0, counts: null, olderThan: null, epoch: 0 };
  // Server clock minus ours; not state, so a message never restarts the one-second clock.
  #skew = 0;
  #connection: LiveConnection | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #logs = new Map<string, Set<LogFollower>>();
  readonly #jobChanges = new Set<JobChangeListener>();

  // The members below are arrow properties: one identity for the store's life, so nothing re-subscribes.

  /** For useSyncExternalStore: `listener` runs after every change of the state. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): LiveState => this.#state;

  /** The coordinator's clock now, so "3 s ago" is right even if the clocks differ. */
  readonly now = (): number => Date.now() + this.#skew;

  /**
   * Sends `listener` a job's log chunks with seq above `after` (what is stored, then live ones), each
   * chunk once, or a `log-reset` when the feed gives up catching up. After a reconnect the job is
   * subscribed again after the last seq its listeners were given, so nothing shown is sent again.
   */
  readonly subscribeJob = (jobId: string, after: number, listener: LogListener): (() => void) => {
    let followers = this.#logs.get(jobId);
    if (!followers) this.#logs.set(jobId, (followers = new Set()));
    const follower: LogFollower = { listener, last: after };
    followers.add(follower);
    this.#connection?.subscribe(jobId, this.#after(jobId));
    return () => {
      if (!followers.delete(follower) || followers.size > 0) return;
      this.#logs.delete(jobId);
      this.#connection?.unsubscribe(jobId);
    };
  };

  /** Tells `listener` which jobs each message of the feed changed, so a view can refetch what it derives from them. */
  readonly subscribeJobChanges = (listener: JobChangeListener): (() => void) => {
    this.#jobChanges.add(listener);
    return () => this.#jobChanges.delete(listener);
  };

  /** The seq the job is subscribed after: the least any of its listeners has seen. */
  #after(jobId: string): number {
    let after = Infinity;
    for (const follower of this.#logs.get(jobId) ?? []) after = Math.min(after, follower.last);
    return after === Infinity ? -1 : after;
  }

  /** Opens the feed with `api` (which reconnects by itself); returns the function that closes it. */
  connect(api: CoordinatorApi): () => void {
    // A closed connection's late events are ignored, so they cannot undo the next one's (StrictMode connects twice).
    const connection: LiveConnection = api.live({
      onStatus: (connected) => {
        if (this.#connection !== connection) return;
        if (connected) for (const jobId of this.#logs.keys()) connection.subscribe(jobId, this.#after(jobId));
        this.set({ ...this.#state, connected });
      },
      onMessage: (m) => {
        if (this.#connection === connection) this.receive(m);
      },
    });
    this.#connection = connection;
    return () => {
      connection.close();
      if (this.#connection !== connection) return;
      this.#connection = null;
      this.set({ ...this.#state, connected: false });
    };
  }

  private receive(m: LiveServerMessage): void {
    if (m.type === 'log' || m.type === 'log-reset') {
      this.#deliver(m);
      return;
    }
    this.#skew = m.serverTime - Date.now();
    const s = this.#state;
    if (m.type === 'snapshot') {
      this.set({
        ...s,
        workers: m.workers,
        jobs: new Map(m.jobs.map((j) => [j.jobId, j])),
        totalJobs: m.totalJobs,
        counts: m.counts ?? null,
        olderThan: m.totalJobs > m.jobs.length ? (m.jobs.at(-1)?.jobId ?? null) : null,
        epoch: s.epoch + 1,
      });
      for (const listener of this.#jobChanges) listener(m.jobs, true);
      return;
    }
    const workers = mergeWorkers(m.seen ? withSeen(s.workers, m.seen) : s.workers, m.workers);
    const jobs = new Map(s.jobs);
    let added = 0;
    for (const j of m.jobs) {
      if (!jobs.has(j.jobId)) added++;
      jobs.set(j.jobId, j);
    }
    this.set({
      ...s,
      workers,
      jobs: new Map([...jobs].sort((a, b) => b[1].createdAt - a[1].createdAt)),
      totalJobs: s.totalJobs + added,
      counts: m.counts ?? s.counts,
    });
    if (m.jobs.length > 0) for (const listener of this.#jobChanges) listener(m.jobs, false);
  }

  /** The workers as the API lists them now: after a forget or a replace, which the feed cannot announce (the worker is gone). */
  readonly setWorkers = (workers: WorkerDto[]): void => {
    this.set({ ...this.#state, workers });
  };

  #deliver(m: LogMessage): void {
    for (const follower of this.#logs.get(m.jobId) ?? []) {
      if (m.type === 'log-reset') {
        follower.listener(m);
        continue;
      }
      // A second listener's subscribe, or a reconnect, may send again what this one has.
      const chunks = m.chunks.filter((c) => c.seq > follower.last);
      if (chunks.length === 0) continue;
      follower.last = chunks.at(-1)!.seq;
      follower.listener({ ...m, chunks });
    }
  }

  private set(state: LiveState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
