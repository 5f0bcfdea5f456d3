/** Reading jobs as the API shows them: one with or without its output, the seed's whole list, a page, the counts. */
import type { JobDto } from '../../../../shared/api.ts';
import type { JobCounts } from '../../../../shared/job-status.ts';
import type { Store } from '../state/store.ts';
import { toJobDto, type JobPageQuery, type JobRecord } from '../state/repositories/jobs.ts';

/** A job with its output so far. */
export function getJob(store: Store, jobId: string): JobDto | undefined {
  const job = store.jobs.get(jobId);
  return job && toJobDto(job, outputOf(store, job));
}

/** A job without its output but with everything else (its artifact listing too): for a page that reads the log by pages. */
export function getJobWithoutOutput(store: Store, jobId: string): JobDto | undefined {
  const job = store.jobs.get(jobId);
  return job && { ...toJobDto(job), artifacts: job.artifacts };
}

/** A job without its output (for live updates). */
export function getJobSummary(store: Store, jobId: string): JobDto | undefined {
  const job = store.jobs.get(jobId);
  return job && toJobDto(job);
}

/** Every job, oldest first, with its output: the seed's list. */
export function listJobs(store: Store): JobDto[] {
  return store.jobs.all().map((job) => toJobDto(job, outputOf(store, job)));
}

/** One page, newest first, without output. */
export function pageJobs(store: Store, query: JobPageQuery): { jobs: JobDto[]; total: number; nextBefore: string | null } {
  const page = store.jobs.page(query);
  return { ...page, jobs: page.jobs.map((job) => toJobDto(job)) };
}

export function jobCounts(store: Store): JobCounts {
  return store.jobs.counts();
}

function outputOf(store: Store, job: JobRecord): { stdout: string; stderr: string } {
  return { stdout: store.log.text(job.seq, 'stdout'), stderr: store.log.text(job.seq, 'stderr') };
}
