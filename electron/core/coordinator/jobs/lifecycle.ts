/**
 * The job lifecycle as pure decisions: given a job's facts and what just happened (a worker's report,
 * a cancel, a heartbeat, a lost worker, a timeout), say what to write. No database, no clock of its
 * own: the store reads the facts, asks here, and applies the answer in one transaction.
 */
import { canTransition, type EndReason, type JobStatus, type WorkerEndReason } from '../../../../shared/job-status.ts';

/** What a decision needs to know about a job. */
export interface JobFacts {
  jobId: string;
  status: JobStatus;
  workerId: string | null;
  attempts: number;
  maxAttempts: number;
  cancelRequested: boolean;
  startedAt: number | null;
  timeoutSeconds: number;
  /** On hold (the student at the PC) since then, and for how long before: neither counts toward its timeout. */
  suspendedSince: number | null;
  suspendedMs: number;
  /** 'worker' when a worker's report ended the job, so a retried report is answered 200 again. */
  endedBy: 'worker' | 'coordinator' | null;
  errorMessage: string | null;
}

export interface EndJob {
  kind: 'end';
  status: 'completed' | 'failed' | 'cancelled';
  endReason: EndReason;
  exitCode: number | null;
  errorMessage: string | null;
  endedBy: 'worker' | 'coordinator';
}

export type Transition =
  | EndJob
  | { kind: 'start'; workerId: string }
  /** Back to the queue; `refundAttempt` when the worker never received the job. */
  | { kind: 'requeue'; refundAttempt: boolean }
  | { kind: 'request-cancel' };

/** Why a request about a job was refused; routes turn these into HTTP statuses. */
export type Refusal =
  | { ok: false; reason: 'job_not_found' }
  | { ok: false; reason: 'worker_not_found' }
  | { ok: false; reason: 'not_assigned' }
  | { ok: false; reason: 'already_ended'; status: JobStatus; errorMessage: string | null }
  | { ok: false; reason: 'log_seq_ahead'; seq: number; limit: number };

export type WorkerReport = { kind: 'result'; exitCode: number } | { kind: 'failure'; errorMessage?: string | null; endReason?: WorkerFailureReason };

/** The reasons a worker may give for a job that did not run to an exit code. */
export type WorkerFailureReason = WorkerEndReason;

/** A job the worker holds for this long without mentioning it in a heartbeat never reached it. */
export const UNDELIVERED_GRACE_MS = 15_000;
/** Slack past a job's timeout before the coordinator gives up on hearing from its worker. */
export const TIMEOUT_GRACE_MS = 60_000;

/** The one guard on the job state machine: an illegal transition is a bug, never written. */
export function assertLegal(job: Pick<JobFacts, 'jobId' | 'status'>, transition: Transition): void {
  const to: JobStatus =
    transition.kind === 'end' ? transition.status : transition.kind === 'start' ? 'running' : transition.kind === 'requeue' ? 'pending' : job.status;
  if (transition.kind === 'request-cancel' ? job.status !== 'running' : !canTransition(job.status, to)) {
    throw new Error(`Illegal job transition ${job.status} -> ${to} (${transition.kind}) for ${job.jobId}`);
  }
}

/** A worker reports the end of a job it ran: the result, or why it could not run it. */
export function onWorkerReport(job: JobFacts | undefined, workerId: string, report: WorkerReport): { ok: true; transition: EndJob | null } | Refusal {
  if (!job) return { ok: false, reason: 'job_not_found' };
  if (job.workerId !== workerId) return { ok: false, reason: 'not_assigned' };
  if (job.status !== 'running') {
    if (job.endedBy === 'worker') return { ok: true, transition: null }; // a retried report: accepted again, changes nothing
    return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.errorMessage };
  }
  // A result means the commands ran to their end (a cancel that came later changes nothing): the real result stands.
  if (report.kind === 'result') return { ok: true, transition: end('completed', 'exit', report.exitCode, null, 'worker') };
  if (job.cancelRequested) return { ok: true, transition: end('cancelled', 'cancelled', null, 'Cancelled by request.', 'worker') };
  return {
    ok: true,
    transition: end('failed', report.endReason ?? 'error', null, report.errorMessage || 'The worker reported a failure without a message.', 'worker'),
  };
}

/** The admin cancels: a pending job ends now; a running one is flagged for its worker to stop. */
export function onCancel(job: JobFacts | undefined): { ok: true; transition: Transition } | Refusal {
  if (!job) return { ok: false, reason: 'job_not_found' };
  if (job.status === 'pending') return { ok: true, transition: end('cancelled', 'cancelled', null, 'Cancelled before it started.', 'coordinator') };
  if (job.status === 'running') return { ok: true, transition: { kind: 'request-cancel' } };
  return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.errorMessage };
}

/** A running job whose worker is gone: cancelled if asked, requeued if attempts are left, else failed. */
export function onWorkerGone(job: JobFacts, cause: 'worker_lost' | 'worker_restarted', message: string): Transition {
  if (job.cancelRequested) return end('cancelled', 'cancelled', null, 'Cancelled by request (the worker was lost before it confirmed).', 'coordinator');
  if (job.attempts < job.maxAttempts) return { kind: 'requeue', refundAttempt: false };
  return end('failed', cause, null, message, 'coordinator');
}

export interface Heartbeat {
  workerId: string;
  /** What the worker says it runs (null: nothing; undefined: it did not say). */
  reportedJobId?: string | null;
  /** The worker process is new: jobs given to its previous process are lost. */
  restarted?: boolean;
  now: number;
}

/**
 * What a heartbeat means for one job the coordinator thinks the worker runs: nothing, a cancel to
 * pass on, or a change (lost with the previous process, or never delivered and back to the queue).
 */
export function onHeartbeat(job: JobFacts, beat: Heartbeat): { transition: Transition | null; cancel: boolean } {
  if (job.jobId === beat.reportedJobId) return { transition: null, cancel: job.cancelRequested };
  if (beat.restarted) return { transition: onWorkerGone(job, 'worker_restarted', `Worker ${beat.workerId} restarted while running this job.`), cancel: false };
  if (beat.reportedJobId !== undefined && (job.startedAt ?? beat.now) < beat.now - UNDELIVERED_GRACE_MS) {
    // Never delivered: a cancelled one simply ends; otherwise it goes back without using an attempt.
    if (job.cancelRequested) return { transition: end('cancelled', 'cancelled', null, 'Cancelled by request.', 'coordinator'), cancel: false };
    return { transition: { kind: 'requeue', refundAttempt: true }, cancel: false };
  }
  return { transition: null, cancel: job.cancelRequested };
}

/** A running job not reported long past its timeout: the coordinator gives up on it. */
export function onOverdue(job: JobFacts, now: number): EndJob | null {
  if (job.status !== 'running' || job.startedAt === null) return null;
  // A job on hold is frozen on its PC, not lost: it runs on (and its timeout with it) when the student leaves.
  if (job.suspendedSince !== null) return null;
  if (job.startedAt + job.suspendedMs + job.timeoutSeconds * 1000 + TIMEOUT_GRACE_MS >= now) return null;
  return end('failed', 'timeout', null, `timed out after ${job.timeoutSeconds} s (worker ${job.workerId} did not report a result)`, 'coordinator');
}

/** A pending job whose worker never came to take it before its run's deadline. */
export function onDeadline(job: JobFacts & { deadlineAt: number | null }, workerName: string, now: number): EndJob | null {
  if (job.status !== 'pending' || job.deadlineAt === null || job.deadlineAt >= now) return null;
  return end(
    'failed',
    'worker_offline',
    null,
    `${workerName} was not online to take this job before the run's deadline; it did not run. Re-run the failed jobs when the PC is back.`,
    'coordinator',
  );
}

/** A pending job meant only for a worker the admin removed: it can never run. */
export function onWorkerForgotten(job: JobFacts, workerName: string): EndJob {
  return end('failed', 'worker_offline', null, `The PC this job was for (${workerName}) was removed from the lab; it did not run.`, 'coordinator');
}

/** A direct run the coordinator was running when it stopped: it cannot go on. */
export function onCoordinatorRestarted(_job: JobFacts): EndJob {
  return end('failed', 'error', null, 'The coordinator stopped during this direct run; it did not finish.', 'coordinator');
}

export type AssignRefusal = { ok: false; reason: 'worker_not_found' | 'worker_busy' | 'no_idle_worker' | 'no_pending_job'; currentJobId?: string };

/** Whether `workerId` may take `next`: it must exist, run nothing, and there must be a pending job. */
export function onAssign(input: {
  workerId: string | undefined;
  workerExists: boolean;
  runningJobId: string | null;
  next: JobFacts | undefined;
}): { ok: true; transition: Transition } | AssignRefusal {
  if (input.workerId === undefined) return { ok: false, reason: 'no_idle_worker' };
  if (!input.workerExists) return { ok: false, reason: 'worker_not_found' };
  if (input.runningJobId !== null) return { ok: false, reason: 'worker_busy', currentJobId: input.runningJobId };
  if (!input.next) return { ok: false, reason: 'no_pending_job' };
  return { ok: true, transition: { kind: 'start', workerId: input.workerId } };
}

function end(status: EndJob['status'], endReason: EndReason, exitCode: number | null, errorMessage: string | null, endedBy: EndJob['endedBy']): EndJob {
  return { kind: 'end', status, endReason, exitCode, errorMessage, endedBy };
}
