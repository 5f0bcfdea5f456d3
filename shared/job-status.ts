/** Job and worker states, and the only transitions a job may make. */

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Why a job ended, as a value (the sentence beside it is for people). */
export const END_REASONS = ['exit', 'error', 'timeout', 'cancelled', 'worker_lost', 'worker_restarted', 'worker_offline'] as const;
export type EndReason = (typeof END_REASONS)[number];

export const WORKER_STATUSES = ['idle', 'busy', 'offline'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

// running -> pending is a retry (worker lost with attempts left, or the worker never received the job);
// pending -> failed is a run's job whose worker did not come back before the run's deadline.
const ALLOWED: Record<JobStatus, readonly JobStatus[]> = {
  pending: ['running', 'cancelled', 'failed'],
  running: ['completed', 'failed', 'cancelled', 'pending'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** What a job came to, for people: still going, passed (exit 0), failed (anything else that ended: a non-zero exit, an error, a timeout, a lost worker) or cancelled. */
export const JOB_OUTCOMES = ['active', 'passed', 'failed', 'cancelled'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export function outcomeOf(job: { status: JobStatus; exitCode: number | null }): JobOutcome {
  if (job.status === 'pending' || job.status === 'running') return 'active';
  if (job.status === 'completed') return job.exitCode === 0 ? 'passed' : 'failed';
  return job.status;
}

/** Jobs by outcome (and the two active states), for the dashboard's filter counts. */
export interface JobCounts {
  all: number;
  active: number;
  pending: number;
  running: number;
  passed: number;
  failed: number;
  cancelled: number;
}
