/**
 * Which pending job a worker gets: the oldest it may take among its own jobs (a broadcast's, one
 * index probe per job it has), untargeted jobs (one probe) and jobs for each distinct target it
 * matches (one probe per target): O(log n) in the queue's length, never a scan of it.
 */
import type { JobRecord } from '../state/repositories/jobs.ts';
import type { WorkerRecord } from '../state/repositories/workers.ts';
import type { Store } from '../state/store.ts';
import { matchesTarget } from './targeting.ts';

export function nextJobFor(store: Store, worker: WorkerRecord): JobRecord | undefined {
  const candidates: JobRecord[] = [];
  const own = store.jobs.pendingFor(worker.workerId).find((job) => !runIsFull(store, job));
  if (own) candidates.push(own);
  const untargeted = store.jobs.nextUntargeted();
  if (untargeted) candidates.push(untargeted);
  for (const target of store.jobs.pendingTargets()) {
    if (!matchesTarget(target, worker)) continue;
    const job = store.jobs.nextWithTarget(target);
    if (job) candidates.push(job);
  }
  return candidates.reduce<JobRecord | undefined>((oldest, job) => (oldest === undefined || job.seq < oldest.seq ? job : oldest), undefined);
}

/** A run with maxParallel that already runs that many jobs: its other jobs wait. */
function runIsFull(store: Store, job: JobRecord): boolean {
  if (!job.runId) return false;
  const limit = store.runs.get(job.runId)?.maxParallel;
  return limit !== null && limit !== undefined && store.jobs.runningInRun(job.runId) >= limit;
}
