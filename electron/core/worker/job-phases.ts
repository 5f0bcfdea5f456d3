/** Where a job's time went on the worker, phase by phase, logged once at its end (the bench adds them up: `npm run bench -- --only=e2e`). */
export const JOB_PHASES = ['prepare', 'fetch', 'extract', 'handOver', 'spawn', 'commands', 'report', 'close', 'finish'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

export class JobPhases {
  readonly #ms: Partial<Record<JobPhase, number>> = {};
  #since = performance.now();

  /** Ends `phase` now (its time is since the previous mark), and starts the next. */
  mark(phase: JobPhase): void {
    const now = performance.now();
    this.#ms[phase] = (this.#ms[phase] ?? 0) + (now - this.#since);
    this.#since = now;
  }

  /** Each phase in ms, to a tenth. */
  get figures(): Partial<Record<JobPhase, number>> {
    return Object.fromEntries(Object.entries(this.#ms).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  }
}
