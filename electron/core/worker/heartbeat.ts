/** The worker's heartbeat: its own timer, never delayed by a job, sooner when the state changes. */
import type { CoordinatorClient, HeartbeatAnswer, HeartbeatInfo } from './coordinator-client.ts';

export interface HeartbeatOptions {
  client: CoordinatorClient;
  intervalMs: number;
  /** What the beat says: who we are, what we run, whether we are paused, whether the policy lets us work, and the rest of heartbeatBody. */
  describe: () => HeartbeatInfo;
  /** The coordinator's answer, and the beat it answers. */
  onAnswer: (answer: HeartbeatAnswer, sent: HeartbeatInfo) => void;
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
      const sent = this.#o.describe();
      this.#o.onAnswer(await this.#o.client.heartbeat(sent), sent);
    } catch (error) {
      this.#o.onError(error);
    }
    this.#timer = undefined;
    if (!this.#o.stopped()) this.schedule(this.#o.intervalMs);
  }
}
