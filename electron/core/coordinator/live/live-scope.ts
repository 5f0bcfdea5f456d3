/** What one viewer of the live feed may see: the snapshot and each batch of changes, cut to their rooms. */
import { LIMITS, type JobDto, type WorkerDto } from '../../../../shared/api.ts';
import type { JobCounts } from '../../../../shared/job-status.ts';
import type { LiveServerMessage } from '../../../../shared/live.ts';
import type { Scope } from '../../../../shared/roles.ts';
import { jobCounts, pageJobs } from '../jobs/job-queries.ts';
import { jobInScope, workerInScope } from '../people/scope.ts';
import type { Store } from '../state/store.ts';
import { listWorkers } from '../workers/worker-queries.ts';

/** Viewers with the same rooms get the same text: one key per scope (every PC: ''). */
export function scopeKey(scope: Scope | null): string {
  return scope ? JSON.stringify([...scope.tags].sort()) : '';
}

export function snapshot(store: Store, scope: Scope | null): LiveServerMessage {
  const page = pageJobs(store, { limit: LIMITS.jobsPageSize, scope });
  return {
    type: 'snapshot',
    workers: listWorkers(store).filter((w) => workerInScope(w, scope)),
    jobs: page.jobs,
    totalJobs: page.total,
    counts: jobCounts(store, scope),
    serverTime: Date.now(),
  };
}

export interface Changes {
  workers: WorkerDto[];
  /** Workers whose only change since the last batch was their heartbeat's time: sent as `seen`. */
  seen: WorkerDto[];
  jobs: JobDto[];
  serverTime: number;
  /** Counts are due with this batch (they are read at most once a second). */
  withCounts: boolean;
}

/** The batch as `scope` sees it, as text; '' when nothing in it is theirs. */
export function changesText(store: Store, changes: Changes, scope: Scope | null): string {
  const workers = changes.workers.filter((w) => workerInScope(w, scope));
  // The workers' rows are read once for the batch, not once per job.
  const rows = new Map(scope ? store.workers.all().map((w) => [w.workerId, w]) : []);
  const jobs = scope
    ? changes.jobs.filter((j) => (j.workerId === null ? jobInScope(store, j, scope) : workerInScope(rows.get(j.workerId), scope)))
    : changes.jobs;
  const seen = changes.seen.filter((w) => workerInScope(w, scope));
  if (workers.length === 0 && jobs.length === 0 && seen.length === 0) return '';
  // Their counts change only with their jobs.
  const counts: JobCounts | undefined = changes.withCounts && jobs.length > 0 ? jobCounts(store, scope) : undefined;
  const message: LiveServerMessage = {
    type: 'changes',
    workers,
    jobs,
    serverTime: changes.serverTime,
    ...(counts ? { counts } : {}),
    ...(seen.length > 0 ? { seen: Object.fromEntries(seen.map((w) => [w.workerId, w.lastHeartbeat])) } : {}),
  };
  return JSON.stringify(message);
}

/** Counts alone (those that were due too soon after the last), as `scope` sees them. */
export function countsText(store: Store, scope: Scope | null, serverTime: number): string {
  return JSON.stringify({ type: 'changes', workers: [], jobs: [], serverTime, counts: jobCounts(store, scope) } satisfies LiveServerMessage);
}
