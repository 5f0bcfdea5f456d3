/** Reading jobs as the API shows them: one with or without its output, the seed's whole list, a page, the counts. */
import type { JobDto } from '../../../../shared/api.ts';
import type { JobCounts } from '../../../../shared/job-status.ts';
import type { Scope } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import { toJobDto, type JobPageQuery, type JobRecord } from '../state/repositories/jobs.ts';

/** A job with its output so far. */
export function getJob(store: Store, jobId: string): JobDto | undefined {
  const job = store.jobs.get(jobId);
  return job && toJobDto(job, workerNameOf(store, job.workerId), outputOf(store, job));
}

/** A job without its output but with everything else (its artifact listing too): for a page that reads the log by pages. */
export function getJobWithoutOutput(store: Store, jobId: string): JobDto | undefined {
  const job = store.jobs.get(jobId);
  return job && { ...toJobDto(job, workerNameOf(store, job.workerId)), artifacts: job.artifacts };
}

/** A job without its output (for live updates). */
export function getJobSummary(store: Store, jobId: string): JobDto | undefined {
  const job = store.jobs.get(jobId);
  return job && toJobDto(job, workerNameOf(store, job.workerId));
}

/** Every job (in scope), oldest first, with its output: the seed's list. */
export function listJobs(store: Store, scope: Scope | null = null): JobDto[] {
  const jobs = store.jobs.all(scope);
  const names = workerNames(store, jobs);
  return jobs.map((job) => toJobDto(job, names(job.workerId), outputOf(store, job)));
}

/** One page, newest first, without output. */
export function pageJobs(store: Store, query: JobPageQuery): { jobs: JobDto[]; total: number; nextBefore: string | null } {
  const page = store.jobs.page(query);
  const names = workerNames(store, page.jobs);
  return { ...page, jobs: page.jobs.map((job) => toJobDto(job, names(job.workerId))) };
}

export function jobCounts(store: Store, scope: Scope | null = null): JobCounts {
  return store.jobs.counts(scope);
}

/**
 * What people call a job's worker: the admin's name for it, else its hostname; its id when no row is
 * left for it (a direct run's `coordinator`, a forgotten worker); null while no worker took the job.
 */
function workerNameOf(store: Store, workerId: string | null): string | null {
  if (workerId === null) return null;
  const worker = store.workers.get(workerId);
  return worker ? (worker.displayName ?? worker.hostname) : workerId;
}

/** The names of the workers of many jobs, each worker read once. */
function workerNames(store: Store, jobs: readonly JobRecord[]): (workerId: string | null) => string | null {
  const names = new Map<string, string | null>();
  for (const { workerId } of jobs) if (workerId !== null && !names.has(workerId)) names.set(workerId, workerNameOf(store, workerId));
  return (workerId) => (workerId === null ? null : (names.get(workerId) ?? workerId));
}

function outputOf(store: Store, job: JobRecord): { stdout: string; stderr: string } {
  return { stdout: store.log.text(job.seq, 'stdout'), stderr: store.log.text(job.seq, 'stderr') };
}
