/** A job's time limit that counts running time only: paused while the job is frozen, going on when thawed. */
export class RunningTimeout {
  readonly #onTimeout: () => void;
  readonly #limited: boolean;
  #remainingMs: number;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(limitMs: number | undefined, onTimeout: () => void) {
    this.#limited = Boolean(limitMs);
    this.#remainingMs = limitMs ?? 0;
    this.#onTimeout = onTimeout;
  }

  start(): void {
    if (!this.#limited) return;
    this.#startedAt = performance.now();
    this.#timer = setTimeout(this.#onTimeout, this.#remainingMs);
    this.#timer.unref();
  }

  pause(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remainingMs = Math.max(0, this.#remainingMs - (performance.now() - this.#startedAt));
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
