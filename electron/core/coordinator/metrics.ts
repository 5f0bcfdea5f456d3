/** How the coordinator itself is doing: event-loop delay (what every request waits on), memory and uptime, for operators and the bench. */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const ns = (value: number) => Math.round(value / 1e4) / 100; // nanoseconds to ms, two decimals

export class CoordinatorMetrics {
  readonly #loop = monitorEventLoopDelay({ resolution: 10 });
  readonly #started = Date.now();
  #since = Date.now();

  constructor() {
    this.#loop.enable();
  }

  /** The figures since the last reset; `reset` starts a new window (the bench measures one run at a time). */
  read(reset: boolean): {
    eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
    since: string;
    rssMb: number;
    heapUsedMb: number;
    uptimeSeconds: number;
  } {
    const h = this.#loop;
    const memory = process.memoryUsage();
    const figures = {
      eventLoopDelayMs: { p50: ns(h.percentile(50)), p99: ns(h.percentile(99)), max: ns(h.max), mean: ns(Number.isNaN(h.mean) ? 0 : h.mean) },
      since: new Date(this.#since).toISOString(),
      rssMb: Math.round(memory.rss / 1048576),
      heapUsedMb: Math.round(memory.heapUsed / 1048576),
      uptimeSeconds: Math.round((Date.now() - this.#started) / 1000),
    };
    if (reset) {
      h.reset();
      this.#since = Date.now();
    }
    return figures;
  }

  stop(): void {
    this.#loop.disable();
  }
}
