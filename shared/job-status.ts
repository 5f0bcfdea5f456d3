/** Job and worker states, and the only transitions a job may make. */
import { z } from 'zod';

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The reasons a worker reports for a job it could not run to an exit code. */
export const WORKER_END_REASONS = [
  'error',
  'timeout',
  'worker_restarted',
  'download_failed',
  'zip_refused',
  'disk_full',
  'spawn_failed',
  'worker_shutdown',
  'pc_in_use',
] as const;
export type WorkerEndReason = (typeof WORKER_END_REASONS)[number];

/** Why a job ended, as a value (the sentence beside it, END_REASON_TEXT, is for people): the coordinator's own, and the workers'. */
export const END_REASONS = ['exit', 'cancelled', 'worker_lost', 'worker_offline', ...WORKER_END_REASONS] as const;
export type EndReason = (typeof END_REASONS)[number];

/** One sentence per end reason, as a teacher reads it on the dashboard, in the terminal and in the CSV. */
export const END_REASON_TEXT: Record<EndReason, string> = {
  exit: 'The commands ran to the end; the exit code says how they went.',
  error: 'The job could not run; the message says why.',
  timeout: 'It ran past its time limit and was stopped.',
  cancelled: 'It was cancelled.',
  worker_lost: 'The PC running it went away (switched off, asleep, or off the network).',
  worker_restarted: 'The worker on that PC restarted while the job ran.',
  worker_offline: "The PC it was meant for did not come online before the run's deadline.",
  download_failed: 'The PC could not download the project zip (or it arrived changed); run it again.',
  zip_refused: 'The project zip broke a rule (too large, too many files, or a name that leaves its folder), so nothing ran.',
  disk_full: "The PC's disk was full; free space on it and run the job again.",
  spawn_failed: 'The PC could not start the commands (no shell, or the job account is missing).',
  worker_shutdown: 'The worker on that PC was stopped while the job ran.',
  pc_in_use: "A student came back to the PC, and the lab's policy cancels jobs then.",
};

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
export const jobCounts = z.object({
  all: z.number(),
  active: z.number(),
  pending: z.number(),
  running: z.number(),
  passed: z.number(),
  failed: z.number(),
  cancelled: z.number(),
});
export type JobCounts = z.infer<typeof jobCounts>;
