/**
 * The job the agent runs now, on the agent's side: taking it (its crash marker, the state, the notice),
 * cancelling it with a reason, its recent output for a view opened mid-job, and its summary once reported.
 */
import type { AssignedJobDto, LogEntry } from '../../../shared/api.ts';
import type { WorkerEndReason } from '../../../shared/job-status.ts';
import type { JobSummary } from '../../../shared/worker-view.ts';
import type { Logger } from '../logger.ts';
import { WORKER_OPTIONS } from '../options/worker-options.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import type { JobRunners } from './agent-startup.ts';
import type { AgentStateHolder } from './agent-state.ts';
import { BundleCache } from './bundle-cache.ts';
import type { CoordinatorClient } from './coordinator-client.ts';
import { JobMarker } from './crash-recovery.ts';
import { runJob, type JobRunContext } from './job-run.ts';
import type { Outbox } from './outbox.ts';
import type { PeerSharing } from './peer-sharing.ts';
import type { PolicyWatch } from './policy-watch.ts';
import { RecentLog } from './recent-log.ts';
import type { ReportDelivery } from './report-delivery.ts';

const RECENT_JOBS = 20;
const LIVE_OUTPUT_CHARS = 64 * 1024;

export interface CurrentJobParts {
  options: WorkerAgentOptions;
  client: CoordinatorClient;
  outbox: Outbox;
  delivery: ReportDelivery;
  policy: PolicyWatch;
  state: AgentStateHolder;
  logger: Logger;
  workerId: () => string;
  /** The job isolation and the warm shell, made when the agent starts. */
  runners: () => JobRunners;
  /** Zips to and from peers, once it serves (else every zip comes from the coordinator). */
  peers: () => PeerSharing | undefined;
  onStarted: (job: JobSummary, notice: boolean) => void;
  onOutput: (jobId: string, entry: LogEntry) => void;
}

export class CurrentJob {
  readonly #p: CurrentJobParts;
  readonly #cache: BundleCache;
  #cancel: AbortController | undefined;
  #cancelReason: string | undefined;
  #cancelCause: WorkerEndReason = 'error';
  #output = new RecentLog(LIVE_OUTPUT_CHARS);

  constructor(parts: CurrentJobParts) {
    this.#p = parts;
    this.#cache = new BundleCache(parts.options.workDir);
  }

  /** The running job's latest output, in order (bounded). */
  get output(): LogEntry[] {
    return this.#output.entries();
  }

  /** Stops the running job's processes (SIGTERM, then SIGKILL after the grace period); no job: nothing. */
  cancel(reason = 'Cancelled by request.', cause: WorkerEndReason = 'error'): void {
    if (!this.#cancel || this.#cancel.signal.aborted) return;
    this.#cancelReason = reason;
    this.#cancelCause = cause;
    this.#cancel.abort();
  }

  /**
   * Runs the job to its final report, delivers it, and shows it among the recent jobs. When `takeNext()` says the
   * worker is free for more, the delivery asks for the next job, returned here (null: none now).
   */
  async take(job: AssignedJobDto, takeNext: () => boolean = () => false): Promise<AssignedJobDto | null> {
    const { policy, state, logger } = this.#p;
    const summary: JobSummary = { jobId: job.jobId, filename: job.filename, command: job.command, startedAt: Date.now() };
    const cancel = new AbortController();
    this.#cancel = cancel;
    this.#cancelReason = undefined;
    this.#cancelCause = 'error';
    const marker = new JobMarker(this.#p.options.workDir, job.jobId);
    this.#output = new RecentLog(LIVE_OUTPUT_CHARS);
    policy.setBusy(true);
    const onSuspension = (suspended: boolean) => {
      logger.info(suspended ? "job suspended: the PC's user is back" : 'job resumed: the PC is free again', { jobId: job.jobId });
      // The PC's own page shows since when, and a running time that stops meanwhile.
      const now = Date.now();
      if (!suspended) summary.suspendedMs = (summary.suspendedMs ?? 0) + Math.max(0, now - (summary.suspendedSince ?? now));
      summary.suspendedSince = suspended ? now : null;
      state.update({ suspended, currentJob: { ...summary } });
    };
    const unsubscribe = policy.subscribe(onSuspension);
    state.update({ currentJob: summary });
    this.#p.onStarted(summary, policy.policy.notices);
    logger.info('job started', { jobId: job.jobId, filename: job.filename });
    const report = await runJob(job, this.#context(job, cancel.signal, marker));
    this.#cancel = undefined;
    unsubscribe();
    policy.setBusy(false);
    state.update({ suspended: false });
    const deliverStart = performance.now();
    const next = await this.#p.delivery.deliver(report, takeNext);
    // The result's round trip (and the next job with it), for the bench's breakdown.
    logger.info('job protocol', { jobId: job.jobId, resultMs: Math.round((performance.now() - deliverStart) * 10) / 10, next: next !== null });
    marker.clear();
    const ended: JobSummary = {
      ...summary,
      endedAt: Date.now(),
      status: report.kind === 'result' ? 'completed' : cancel.signal.aborted ? 'cancelled' : 'failed',
      exitCode: report.kind === 'result' ? report.exitCode : null,
      errorMessage: report.kind === 'failure' ? report.errorMessage : null,
    };
    logger.info('job finished', { jobId: job.jobId, status: ended.status, exitCode: ended.exitCode, errorMessage: ended.errorMessage });
    state.update({ currentJob: null, recentJobs: [ended, ...state.current.recentJobs].slice(0, RECENT_JOBS) });
    return next;
  }

  /** What one job's run is given: the worker's parts, its limits, its cancel and where its output goes. */
  #context(job: AssignedJobDto, cancel: AbortSignal, marker: JobMarker): JobRunContext {
    const { options: o, policy } = this.#p;
    const { warmShell, isolation } = this.#p.runners();
    return {
      client: this.#p.client,
      cache: this.#cache,
      peers: this.#p.peers(),
      outbox: this.#p.outbox,
      warmShell,
      isolation,
      logger: this.#p.logger,
      workerId: this.#p.workerId(),
      marker,
      maxExtractBytes: (o.maxExtractMb ?? WORKER_OPTIONS['max-extract-mb'].default) * 1024 * 1024,
      maxOutputBytes: (o.maxOutputMb ?? WORKER_OPTIONS['max-output-mb'].default) * 1024 * 1024,
      maxArtifactsBytes: (o.maxArtifactsMb ?? WORKER_OPTIONS['max-artifacts-mb'].default) * 1024 * 1024,
      killGraceMs: o.killGraceMs ?? 10_000,
      cancel,
      cancelReason: () => this.#cancelReason ?? 'Cancelled.',
      cancelCause: () => this.#cancelCause,
      onCancelRequested: () => this.cancel(),
      onCommandStart: o.onCommandStart,
      onText: (stream, data, time) => this.#p.onOutput(job.jobId, this.#output.add(stream, data, time)),
      suspension: policy,
      priority: policy.policy.priority,
    };
  }
}
