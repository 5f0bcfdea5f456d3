/** The jobs list's rows in the order shown: running (latest started first), the waiting queue, then the jobs that ended (latest first). */
import type { JobDto } from '../../../shared/api.ts';
import type { JobCounts } from '../../../shared/job-status.ts';
import { usePendingQueue, type JobFilter } from './use-job-list.ts';

export interface JobRows {
  running: JobDto[];
  /** In the order workers take them: oldest first. */
  pending: JobDto[];
  ended: JobDto[];
  /** How many jobs wait: the counts' number when the page knows fewer of them. */
  waiting: number;
}

/** `jobs`: the list under the filter; the waiting queue is read whole from the API when the counts say the list lacks some of it. */
export function useJobRows(jobs: JobDto[], filter: JobFilter, counts: JobCounts | null, live: Map<string, JobDto>, epoch: number): JobRows {
  const running = jobs.filter((j) => j.status === 'running').sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  const ended = jobs
    .filter((j) => j.status !== 'running' && j.status !== 'pending')
    .sort((a, b) => (b.completedAt ?? b.createdAt) - (a.completedAt ?? a.createdAt));
  const known = jobs.filter((j) => j.status === 'pending');
  const showsPending = filter === 'all' || filter === 'active';
  const countedPending = counts?.pending ?? 0;
  const queue = usePendingQueue(showsPending && countedPending > known.length, epoch);
  const pendingById = new Map(known.map((j) => [j.jobId, j]));
  for (const j of queue) {
    const latest = live.get(j.jobId) ?? j;
    if (latest.status === 'pending' && !pendingById.has(j.jobId)) pendingById.set(j.jobId, latest);
  }
  const pending = [...pendingById.values()].sort((a, b) => a.createdAt - b.createdAt);
  return { running, pending, ended, waiting: Math.max(pending.length, countedPending) };
}
