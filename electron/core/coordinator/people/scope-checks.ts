/** Scope checks for one thing a request names: a job, a run or a worker outside the caller's rooms is refused with out_of_scope. */
import type { Scope } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import { Refused } from '../refused.ts';
import { jobInScope, outOfScope, workerInScope } from './scope.ts';

export function assertJobVisible(store: Store, jobId: string, scope: Scope | null): void {
  if (!scope) return;
  const job = store.jobs.get(jobId);
  if (!job) throw new Refused('job_not_found', `Job ${jobId} not found`);
  if (!jobInScope(store, job, scope)) throw outOfScope(`Job ${jobId}`, scope);
}

/** A run is visible when one of its jobs is (the rest of it is filtered out of what is shown). */
export function assertRunVisible(store: Store, runId: string, scope: Scope | null): void {
  if (!scope) return;
  const run = store.runs.get(runId);
  if (!run) throw new Refused('run_not_found', `Run ${runId} not found`);
  if (!store.runs.jobs(runId).some((row) => jobInScope(store, { workerId: row.workerId, target: store.jobs.get(row.jobId)?.target ?? null }, scope))) {
    throw outOfScope(`Run ${runId}`, scope);
  }
}

export function assertWorkerVisible(store: Store, workerId: string, scope: Scope | null): void {
  if (!scope) return;
  const worker = store.workers.get(workerId);
  if (!worker) throw new Refused('worker_not_found', `Worker ${workerId} not found`);
  if (!workerInScope(worker, scope)) throw outOfScope(`Worker ${workerId}`, scope);
}

/** The history of `kind:id`: jobs, runs and workers by their scope; anything else only for those with no scope. */
export function assertTargetVisible(store: Store, target: string, scope: Scope | null): void {
  if (!scope) return;
  const colon = target.indexOf(':');
  const kind = target.slice(0, colon);
  const id = target.slice(colon + 1);
  if (kind === 'job') return assertJobVisible(store, id, scope);
  if (kind === 'run') return assertRunVisible(store, id, scope);
  if (kind === 'worker') return assertWorkerVisible(store, id, scope);
  throw outOfScope(`The history of ${kind}s`, scope);
}
