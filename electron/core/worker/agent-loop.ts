/**
 * The agent's loop that polls for jobs and takes them: deliver what the outbox holds, register when
 * needed, keep the heartbeat going, long-poll (or wait while paused or kept from jobs by the policy),
 * hand a job to the current job, and back off after a failure by the worker's one error classification.
 */
import type { AssignedJobDto } from '../../../shared/api.ts';
import type { Logger } from '../logger.ts';
import { PinningError } from '../pinned-tls.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import { checkBeforeJobs, type JobRunners } from './agent-startup.ts';
import type { AgentStateHolder } from './agent-state.ts';
import { CoordinatorError, CoordinatorUnreachable, type CoordinatorClient, type Orders } from './coordinator-client.ts';
import type { CurrentJob } from './current-job.ts';
import type { Heartbeat } from './heartbeat.ts';
import type { Outbox } from './outbox.ts';
import type { PolicyWatch } from './policy-watch.ts';
import { JoinRefused, type Registration } from './registration.ts';
import type { ReportDelivery } from './report-delivery.ts';
import { backoffMs, classify } from './retry.ts';

/** Reports that cannot be delivered while stopping stay in the outbox for the next start. */
const STOP_DELIVERY_MS = 10_000;

export interface AgentLoopParts {
  options: WorkerAgentOptions;
  client: CoordinatorClient;
  outbox: Outbox;
  delivery: ReportDelivery;
  registration: Registration;
  heartbeat: Heartbeat;
  policy: PolicyWatch;
  state: AgentStateHolder;
  job: CurrentJob;
  logger: Logger;
  /** Aborted when the agent stops: the loop ends after the current job. */
  stop: AbortSignal;
  /** Not paused, the policy lets this PC work, and no power action is under way. */
  mayTakeJobs: () => boolean;
  /** A long poll ended without a job but with something else to do (a wake to relay, a power action). */
  onOrders: (orders: Orders) => void;
}

export class AgentLoop {
  readonly #p: AgentLoopParts;
  #wakeUp: (() => void) | undefined;
  #pollAbort: AbortController | undefined;

  constructor(parts: AgentLoopParts) {
    this.#p = parts;
    // The next coordinator of the campus took over: said, shown, and tried now rather than after the backoff.
    parts.client.campus.onMove = (from, to) => {
      parts.logger.warn('coordinator moved', { from, to });
      parts.state.update({ server: to });
      this.wake();
    };
  }

  /** Runs until the agent stops, then delivers what is left, briefly. */
  async run(runners: JobRunners): Promise<void> {
    const { options: o, client, outbox, delivery, registration, heartbeat, state, job, stop } = this.#p;
    await checkBeforeJobs(o.workDir, outbox, runners, this.#p.logger);
    let failures = 0;
    while (!stop.aborted) {
      try {
        if (!registration.outboxIsOurs) outbox.clear(); // another coordinator's reports: nobody to send them to
        await delivery.flush();
        if (!registration.registered) {
          await registration.connect(state.current.currentJob?.jobId ?? null, state.current.paused);
          state.setConnected(true);
        }
        heartbeat.schedule(0);
        if (!this.#p.mayTakeJobs()) {
          state.setConnected(true);
          await this.sleep(60_000); // woken by resume, or when the policy lets this PC work again
          continue;
        }
        this.#pollAbort = new AbortController();
        const polling = o.pollIntervalMs !== undefined;
        const pollStart = performance.now();
        const { job: assigned, orders } = await client.getJob(
          registration.workerId,
          polling ? 0 : (o.pollWaitSeconds ?? 30),
          AbortSignal.any([stop, this.#pollAbort.signal]),
        );
        state.setConnected(true);
        failures = 0;
        if (orders.wake || orders.power) this.#p.onOrders(orders);
        // The protocol's share of a job's cost, for the bench's breakdown (the result's share: current-job.ts).
        if (assigned) this.#p.logger.info('job protocol', { jobId: assigned.jobId, pollMs: tenth(performance.now() - pollStart) });
        // Each result's answer may bring the next job: one round trip per job while the queue has work.
        const mayTakeNext = () => !stop.aborted && this.#p.mayTakeJobs() && !polling;
        for (let next = assigned; next;) {
          const taken: AssignedJobDto = next;
          next = await job.take(taken, mayTakeNext);
        }
        if (!assigned && polling) await this.sleep(o.pollIntervalMs!);
      } catch (error) {
        if (stop.aborted) break;
        if (this.#pollAbort?.signal.aborted) continue; // paused during the long poll
        await this.#recover(error, failures++);
      }
    }
    // Deliver what is left, briefly; anything undelivered stays in the outbox for the next start.
    await Promise.race([delivery.flush().catch(() => {}), new Promise((r) => setTimeout(r, STOP_DELIVERY_MS).unref())]);
  }

  /** The loop's wait (also registration's and delivery's): `wake()` ends it early. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
    });
  }

  /** Ends the current wait: resumed, stopping, or the policy lets this PC work again. */
  wake(): void {
    this.#wakeUp?.();
  }

  /** Leaves the long poll now, so that no job arrives (paused, or the policy keeps this PC from jobs). */
  leavePoll(): void {
    this.#pollAbort?.abort();
  }

  /** What the loop does after a failed call, decided by the worker's one error classification. */
  async #recover(error: unknown, attempt: number): Promise<void> {
    const { logger, state } = this.#p;
    const message = (error as Error).message;
    if (error instanceof JoinRefused) {
      logger.error(message);
      state.setConnected(false, message);
      return this.sleep(24 * 3600_000); // not asking again until restarted (a stop wakes this)
    }
    if (classify(error, 'worker') === 'reregister') {
      logger.warn('the coordinator does not know this worker (or its token); registering again', { error: message });
      this.#p.registration.forget();
      return this.sleep(backoffMs(attempt, 5000));
    }
    if (error instanceof CoordinatorUnreachable || error instanceof PinningError || (error instanceof CoordinatorError && error.status >= 500)) {
      state.setConnected(false, message);
    } else logger.error('worker loop error', { error: message });
    return this.sleep(backoffMs(attempt));
  }
}

function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}
