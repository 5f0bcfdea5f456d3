/** The worker's heartbeat: its own timer, never delayed by a job, sooner when the state changes. */
import type { WorkerPolicy } from '../../../shared/policy.ts';
import type { CoordinatorClient } from './coordinator-client.ts';

export interface HeartbeatOptions {
  client: CoordinatorClient;
  intervalMs: number;
  /** What the beat says: who we are, what we run, whether we are paused, and whether the policy lets us work. */
  describe: () => { workerId: string; jobId: string | null; paused: boolean; availability: { available: boolean; reason: string | null }; suspended: boolean };
  onAnswer: (answer: { cancelJobIds: string[]; policy?: WorkerPolicy }) => void;
  onError: (error: unknown) => void;
  stopped: () => boolean;
}

export class Heartbeat {
  readonly #o: HeartbeatOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
  }

  /** Starts beating (no-op while a beat is scheduled). */
  schedule(delayMs: number): void {
    if (this.#timer || this.#o.stopped()) return;
    this.#timer = setTimeout(() => void this.beat(), delayMs);
  }

  /** Tells the coordinator about a state change now instead of at the next beat. */
  now(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.schedule(0);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  private async beat(): Promise<void> {
    try {
      const { workerId, jobId, paused, availability, suspended } = this.#o.describe();
      this.#o.onAnswer(await this.#o.client.heartbeat(workerId, jobId, paused, false, undefined, availability, suspended));
    } catch (error) {
      this.#o.onError(error);
    }
    this.#timer = undefined;
    if (!this.#o.stopped()) this.schedule(this.#o.intervalMs);
  }
}
