/**
 * Final job reports, one path for all of them: written to the outbox first (durable), then sent until
 * the coordinator acknowledges or refuses them for good. A report left from before a restart takes
 * the same path as a live one.
 */
import type { AssignedJobDto } from '../../../shared/api.ts';
import type { Logger } from '../logger.ts';
import type { CoordinatorClient } from './coordinator-client.ts';
import type { FinalReport, Outbox } from './outbox.ts';
import { CoordinatorError } from './coordinator-client.ts';
import { backoffMs, classify } from './retry.ts';

export interface ReportDeliveryOptions {
  outbox: Outbox;
  client: CoordinatorClient;
  logger: Logger;
  workerId: () => string;
  /** The coordinator no longer accepts our token: register again before the next try. */
  reregister: () => Promise<void>;
  /** A try failed for a reason that may pass (unreachable, 5xx). */
  onRetry: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
  /** While stopping, a report that fails three times stays in the outbox for the next start. */
  stopping: () => boolean;
}

export class ReportDelivery {
  readonly #o: ReportDeliveryOptions;

  constructor(options: ReportDeliveryOptions) {
    this.#o = options;
  }

  /**
   * Sends `report` (already in the outbox) until it is acknowledged, refused for good, or we stop. With `takeNext`
   * (the worker is free for more), the acknowledgement may bring the next job, returned here.
   */
  async deliver(report: FinalReport, takeNext: () => boolean = () => false): Promise<AssignedJobDto | null> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.tryOnce(report, takeNext());
      if (outcome.done) return outcome.next;
      if (this.#o.stopping() && attempt >= 2) return null;
      await this.#o.sleep(backoffMs(attempt, 10_000));
    }
  }

  /** Delivers every report in the outbox (those a crash or a stop left behind), oldest first. */
  async flush(): Promise<void> {
    for (const report of this.#o.outbox.list()) await this.deliver(report);
  }

  /** Uploads the job's result files; ones the coordinator refuses for good (too big, unreadable) are dropped, not retried forever. */
  private async sendArtifacts(report: FinalReport): Promise<void> {
    const { client, outbox, logger } = this.#o;
    try {
      await client.uploadArtifacts(report.jobId, this.#o.workerId(), outbox.artifactsPath(report.jobId));
      logger.info('artifacts delivered', { jobId: report.jobId });
    } catch (error) {
      // 400 unreadable, 413 too big, 507 no room on the coordinator: retrying would not help, and the report must go.
      if (!(error instanceof CoordinatorError) || ![400, 413, 507].includes(error.status)) throw error;
      logger.warn('the coordinator refused the artifacts for good; they are dropped, the report is still sent', { jobId: report.jobId, error: error.message });
    }
  }

  /** Done when the report needs no more tries; with the next job when the coordinator handed one. */
  private async tryOnce(report: FinalReport, takeNext: boolean): Promise<{ done: boolean; next: AssignedJobDto | null }> {
    const { client, outbox, logger } = this.#o;
    try {
      // A whole zip counts even when the report does not say so yet: the worker was killed between the two.
      if (report.artifacts || outbox.hasArtifacts(report.jobId)) {
        if (outbox.hasArtifacts(report.jobId)) await this.sendArtifacts(report);
        outbox.artifactsSent(report);
      }
      const next =
        report.kind === 'result'
          ? await client.submitResult(report.jobId, this.#o.workerId(), report.exitCode, report.commandStartedAt, takeNext)
          : await client.reportFailure(report.jobId, this.#o.workerId(), report.errorMessage, report.commandStartedAt, report.endReason, takeNext);
      outbox.remove(report.jobId);
      logger.info('report delivered', { jobId: report.jobId, kind: report.kind, exitCode: report.kind === 'result' ? report.exitCode : null });
      return { done: true, next };
    } catch (error) {
      const message = (error as Error).message;
      switch (classify(error, 'job')) {
        case 'give-up':
          logger.warn('the coordinator refused the report; dropping it', { jobId: report.jobId, error: message });
          outbox.remove(report.jobId);
          return { done: true, next: null };
        case 'reregister':
          await this.#o.reregister().catch(() => {});
          return { done: false, next: null };
        case 'retry':
          this.#o.onRetry(message);
          return { done: false, next: null };
      }
    }
  }
}
