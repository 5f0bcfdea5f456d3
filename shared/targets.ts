/** Which workers a job may go to, as one rule for the coordinator (which decides) and the dashboard (which counts and explains). */
import type { JobTarget, WorkerDto } from './api.ts';

/** The worker id of direct runs: the coordinator ran them itself, and no worker may register under it. */
export const DIRECT_WORKER_ID = 'coordinator';

export type TargetableWorker = Pick<WorkerDto, 'workerId' | 'tags' | 'os'>;

export function matchesTarget(target: JobTarget | null, worker: TargetableWorker): boolean {
  if (!target) return true;
  if (target.workers && !target.workers.includes(worker.workerId)) return false;
  if (target.tags && !target.tags.every((t) => worker.tags.includes(t))) return false;
  if (target.os && worker.os !== target.os) return false;
  return true;
}
