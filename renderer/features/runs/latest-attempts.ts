/** A run's latest results: each job that was re-run since shown by its newest attempt, and the counts over those. */
import type { LaterAttempt, RunJobRow, RunStatusDto, RunSummary } from '../../../shared/api.ts';

/** A tile's row: this run's own job, or the newest attempt that replaced it in a re-run. */
export type ShownJob = RunJobRow | LaterAttempt;

export function isLaterAttempt(job: ShownJob): job is LaterAttempt {
  return 'replaces' in job;
}

/** This run's jobs with each re-run one swapped for its newest attempt, in this run's order. */
export function latestJobs(status: Pick<RunStatusDto, 'jobs' | 'latest'>): ShownJob[] {
  const later = new Map(status.latest.map((attempt) => [attempt.replaces, attempt]));
  return status.jobs.map((job) => later.get(job.jobId) ?? job);
}

/** The run's counts as its summary gives them, over the rows shown (offline PCs as the live feed knows them). */
export function summaryOf(rows: readonly ShownJob[], offline: ReadonlySet<string>): RunSummary {
  const summary: RunSummary = { total: 0, pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0, waitingOffline: 0 };
  for (const job of rows) {
    summary.total++;
    if (job.status === 'completed' && job.exitCode === 0) summary.passed++;
    else if (job.status === 'completed' || job.status === 'failed') summary.failed++;
    else summary[job.status]++;
    if (job.status === 'pending' && job.workerId !== null && offline.has(job.workerId)) summary.waitingOffline++;
  }
  return summary;
}
