/** The dashboard's live picture, outside React: a snapshot on (re)connect, then coalesced changes from /api/ws. */
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import type { LiveServerMessage } from '../../../shared/live.ts';
import type { CoordinatorApi, LiveConnection } from '../api.ts';

export interface LiveState {
  connected: boolean;
  workers: WorkerDto[];
  /** Jobs the feed told us about, newest first (the first page plus every change since). */
  jobs: Map<string, JobDto>;
  totalJobs: number;
  /** Bumped on every snapshot, so views can refetch what they show. */
  epoch: number;
}

export type OutputMessage = Extract<LiveServerMessage, { type: 'output' | 'job-output' }>;
export type OutputListener = (m: OutputMessage) => void;

export class LiveStore {
  #state: LiveState = { connected: false, workers: [], jobs: new Map(), totalJobs: 0, epoch: 0 };
  // Server clock minus ours; not state, so a message never restarts the one-second clock.
  #skew = 0;
  #connection: LiveConnection | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #output = new Map<string, Set<OutputListener>>();

  // The members below are arrow properties: one identity for the store's life, so nothing re-subscribes.

  /** For useSyncExternalStore: `listener` runs after every change of the state. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): LiveState => this.#state;

  /** The coordinator's clock now, so "3 s ago" is right even if the clocks differ. */
  readonly now = (): number => Date.now() + this.#skew;

  /** Sends `listener` a job's output so far, then its live chunks; the connection re-subscribes after a reconnect. */
  readonly subscribeJob = (jobId: string, listener: OutputListener): (() => void) => {
    let listeners = this.#output.get(jobId);
    if (!listeners) this.#output.set(jobId, (listeners = new Set()));
    listeners.add(listener);
    // Asked even if already subscribed, so a second listener gets the output so far (it replaces, so the first one does not mind).
    this.#connection?.subscribe(jobId);
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      this.#output.delete(jobId);
      this.#connection?.unsubscribe(jobId);
    };
  };

  /** Opens the feed with `api` (which reconnects by itself); returns the function that closes it. */
  connect(api: CoordinatorApi): () => void {
    // A closed connection's late events are ignored, so they cannot undo the next one's (StrictMode connects twice).
    const connection: LiveConnection = api.live({
      onStatus: (connected) => {
        if (this.#connection === connection) this.set({ ...this.#state, connected });
      },
      onMessage: (m) => {
        if (this.#connection === connection) this.receive(m);
      },
    });
    for (const jobId of this.#output.keys()) connection.subscribe(jobId);
    this.#connection = connection;
    return () => {
      connection.close();
      if (this.#connection !== connection) return;
      this.#connection = null;
      this.set({ ...this.#state, connected: false });
    };
  }

  private receive(m: LiveServerMessage): void {
    if (m.type === 'output' || m.type === 'job-output') {
      for (const listener of this.#output.get(m.jobId) ?? []) listener(m);
      return;
    }
    this.#skew = m.serverTime - Date.now();
    const s = this.#state;
    if (m.type === 'snapshot') {
      this.set({ ...s, workers: m.workers, jobs: new Map(m.jobs.map((j) => [j.jobId, j])), totalJobs: m.totalJobs, epoch: s.epoch + 1 });
      return;
    }
    const workers = [...s.workers];
    for (const w of m.workers) {
      const i = workers.findIndex((x) => x.workerId === w.workerId);
      if (i >= 0) workers[i] = w;
      else workers.push(w);
    }
    const jobs = new Map(s.jobs);
    let added = 0;
    for (const j of m.jobs) {
      if (!jobs.has(j.jobId)) added++;
      jobs.set(j.jobId, j);
    }
    this.set({ ...s, workers, jobs: new Map([...jobs].sort((a, b) => b[1].createdAt - a[1].createdAt)), totalJobs: s.totalJobs + added });
  }

  private set(state: LiveState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
