/**
 * What changes a job: create, start directly, assign to a worker, the worker's result or failure, cancel,
 * its artifacts. Each reads the facts, asks lifecycle.ts, applies the answer in one transaction
 * (transitions.ts) and announces what was committed.
 */
import type { ArtifactFile, AssignedJobDto, JobDto, JobTarget, LogEntry } from '../../../../shared/api.ts';
import { gradeOf } from '../grading/grading-run.ts';
import type { MergedReport } from '../grading/test-report.ts';
import type { JobStatus } from '../../../../shared/job-status.ts';
import { DIRECT_WORKER_ID } from '../../../../shared/targets.ts';
import type { Store } from '../state/store.ts';
import { toAssignedJob, type CreateJobInput, type JobRecord } from '../state/repositories/jobs.ts';
import { nextJobFor } from './assignment.ts';
import { getJob } from './job-queries.ts';
import {
  onAssign,
  onCancel,
  onCoordinatorRestarted,
  onWorkerReport,
  type AssignRefusal,
  type Refusal,
  type WorkerFailureReason,
  type WorkerReport,
} from './lifecycle.ts';
import { normalizeTarget } from './targeting.ts';
import { applyTransition } from './transitions.ts';
import { auditTarget } from '../audit/audit-context.ts';

export type Outcome<T> = ({ ok: true } & T) | Refusal;
export type AssignOutcome = { ok: true; job: AssignedJobDto } | AssignRefusal;
export type ReportOutcome = Outcome<{ status: JobStatus; repeated: boolean }>;

/** A new pending job (check its target first with targetProblem). */
export function createJob(store: Store, input: CreateJobInput): JobDto {
  const jobId = store.db.transaction(() => {
    const id = store.jobs.insert({ ...input, target: normalizeTarget(input.target) }, store.now());
    auditTarget('job', id);
    return id;
  });
  store.announce([], [jobId], true);
  return getJob(store, jobId)!;
}

/** A direct run on the coordinator, recorded as a job of worker `coordinator` that starts at once. */
export function startDirectJob(store: Store, input: CreateJobInput): JobDto {
  const now = store.now();
  const jobId = store.db.transaction(() => {
    const id = store.jobs.insert({ ...input, target: null }, now);
    auditTarget('job', id);
    applyTransition(store, store.jobs.get(id)!, { kind: 'start', workerId: DIRECT_WORKER_ID }, now);
    return id;
  });
  store.announce([], [jobId], false);
  return getJob(store, jobId)!;
}

/** Direct runs the coordinator was running when it stopped: they cannot go on. */
export function endInterruptedDirectJobs(store: Store): string[] {
  const ended = store.db.transaction(() =>
    store.jobs.runningOf(DIRECT_WORKER_ID).map((job) => {
      applyTransition(store, job, onCoordinatorRestarted(job), store.now());
      return job.jobId;
    }),
  );
  store.announce([], ended, false);
  return ended;
}

/**
 * Assigns the oldest pending job to `workerId`, or, without a worker id (the seed's get-job), to the
 * first idle worker. Atomic: the read and the update are one transaction, so no job is handed out twice.
 */
export function assignNextJob(store: Store, requestedWorkerId?: string): AssignOutcome {
  const now = store.now();
  const facts = (workerId: string | undefined, next: JobRecord | undefined) => ({
    workerId,
    workerExists: workerId !== undefined && store.workers.get(workerId) !== undefined,
    runningJobId: workerId === undefined ? null : (store.jobs.runningOf(workerId)[0]?.jobId ?? null),
    next,
  });
  // Most long polls find nothing: answer those from a read, without a write transaction.
  if (!store.jobs.anyPending()) {
    const decision = onAssign(facts(requestedWorkerId ?? store.workers.firstIdleId(), undefined));
    return decision.ok ? { ok: false, reason: 'no_pending_job' } : decision;
  }
  const outcome = store.db.transaction((): AssignOutcome & { workerId?: string } => {
    const workerId = requestedWorkerId ?? store.workers.firstIdleId();
    const worker = workerId === undefined ? undefined : store.workers.get(workerId);
    const next = worker && !worker.revoked && !worker.adminPaused ? nextJobFor(store, worker) : undefined;
    const decision = onAssign(facts(workerId, next));
    if (!decision.ok) return decision;
    applyTransition(store, next!, decision.transition, now);
    const logStart = startAttemptLog(store, next!, workerId!, now);
    return { ok: true, job: { ...toAssignedJob(next!), ...(logStart > 0 ? { logStart } : {}) }, workerId };
  });
  if (outcome.ok) store.announce([outcome.workerId!], [outcome.job.jobId], false);
  return outcome.ok ? { ok: true, job: outcome.job } : outcome;
}

/** A retried job's log goes on after the earlier attempt's, behind a line that says so; returns this attempt's first seq. */
function startAttemptLog(store: Store, job: JobRecord, workerId: string, now: number): number {
  const start = store.log.nextSeq(job.seq);
  if (start === 0) return 0;
  const line = `\n[cmdx: the job starts again on ${workerId} (attempt ${job.attempts + 1} of ${job.maxAttempts})]\n`;
  const entry = store.log.append(job.seq, { seq: start, stream: 'stdout', time: now, data: line }, now);
  if (entry) queueMicrotask(() => store.events.emit('output', job.jobId, [entry]));
  return start + 1;
}

/** The worker's result: the commands ran to `exitCode`. A repeat of an accepted report is accepted again. */
export function completeJob(
  store: Store,
  report: { jobId: string; workerId: string; exitCode: number; stdout?: string | null; stderr?: string | null; commandStartedAt?: number },
): ReportOutcome {
  const fresh: LogEntry[] = [];
  const outcome = endByWorker(store, report.jobId, report.workerId, { kind: 'result', exitCode: report.exitCode }, report.commandStartedAt, (job) => {
    // A seed-style worker sends its whole output with the result; ours streamed it already.
    if (store.log.nextSeq(job.seq) > 0) return;
    const now = store.now();
    for (const [stream, data] of [
      ['stdout', report.stdout],
      ['stderr', report.stderr],
    ] as const) {
      const entry = data ? store.log.append(job.seq, { seq: store.log.nextSeq(job.seq), stream, data, time: now }, now) : null;
      if (entry) fresh.push(entry);
    }
  });
  if (fresh.length > 0) store.events.emit('output', report.jobId, fresh);
  return outcome;
}

/** The worker's failure report: the job could not run to an exit code. */
export function failJob(
  store: Store,
  report: { jobId: string; workerId: string; errorMessage?: string | null; commandStartedAt?: number; endReason?: WorkerFailureReason },
): ReportOutcome {
  const failure: WorkerReport = { kind: 'failure', errorMessage: report.errorMessage, endReason: report.endReason };
  return endByWorker(store, report.jobId, report.workerId, failure, report.commandStartedAt);
}

function endByWorker(
  store: Store,
  jobId: string,
  workerId: string,
  report: WorkerReport,
  commandStartedAt: number | undefined,
  before?: (job: JobRecord) => void,
): ReportOutcome {
  const now = store.now();
  const outcome = store.db.transaction((): ReportOutcome => {
    const job = store.jobs.get(jobId);
    const decision = onWorkerReport(job, workerId, report);
    if (!decision.ok) return decision;
    if (!decision.transition) return { ok: true, status: job!.status, repeated: true };
    before?.(job!);
    applyTransition(store, job!, decision.transition, now, commandStartedAt ?? null);
    const worker = store.workers.get(workerId);
    if (worker?.currentJobId === jobId) store.workers.setState(workerId, worker.status === 'offline' ? 'offline' : 'idle', null);
    store.workers.touch(workerId, now);
    return { ok: true, status: decision.transition.status, repeated: false };
  });
  if (outcome.ok && !outcome.repeated) store.announce([workerId], [jobId], false);
  return outcome;
}

/** Pending jobs are cancelled at once; running ones are flagged and their worker stops them. */
export function cancelJob(store: Store, jobId: string): Outcome<{ status: JobStatus; cancelRequested: boolean }> {
  const outcome = store.db.transaction((): Outcome<{ status: JobStatus; cancelRequested: boolean }> => {
    const job = store.jobs.get(jobId);
    const decision = onCancel(job);
    if (!decision.ok) return decision;
    applyTransition(store, job!, decision.transition, store.now());
    const requested = decision.transition.kind === 'request-cancel';
    return { ok: true, status: requested ? 'running' : 'cancelled', cancelRequested: requested };
  });
  if (outcome.ok) store.announce([], [jobId], false);
  return outcome;
}

/** The result files a worker brought back for a job, and junit.xml's counts. */
/** A job's result files, and its grade from the reports among them (points by its run's rules when it is a grading run): one transaction. */
export function setArtifacts(store: Store, jobId: string, files: ArtifactFile[], report: MergedReport | null): void {
  const done = store.db.transaction(() => {
    const job = store.jobs.get(jobId);
    if (!job) return false;
    store.jobs.setArtifacts(job, files, report?.counts ?? null);
    const grading = job.runId === null ? null : (store.runs.get(job.runId)?.grading ?? null);
    if (report) store.grades.set(jobId, gradeOf(report, grading));
    return true;
  });
  if (done) store.announce([], [jobId], false);
}

export type { CreateJobInput, JobTarget };
