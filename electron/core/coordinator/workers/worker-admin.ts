/** The admin's hand on the workers list: name, pause and tag a PC, forget one that is gone, or let a re-installed PC take over from its old entry. */
import type { WorkerDto } from '../../../../shared/api.ts';
import type { Store } from '../state/store.ts';
import { onWorkerForgotten } from '../jobs/lifecycle.ts';
import { applyTransition } from '../jobs/transitions.ts';
import { getWorker } from './worker-queries.ts';

export type ForgetOutcome = { ok: true; failedJobs: string[] } | { ok: false; reason: 'worker_not_found' | 'worker_online'; message: string };

/** A worker can be forgotten once it is offline (or revoked): then nothing it runs can be lost by it. */
export function forgetWorker(store: Store, workerId: string): ForgetOutcome {
  const failed: string[] = [];
  const outcome = store.db.transaction((): ForgetOutcome => {
    const worker = store.workers.get(workerId);
    if (!worker) return { ok: false, reason: 'worker_not_found', message: `No worker named ${workerId} is registered.` };
    if (worker.status !== 'offline' && !worker.revoked) {
      return { ok: false, reason: 'worker_online', message: `${worker.hostname} is online; stop it (or revoke its token) before removing it.` };
    }
    const now = store.now();
    for (const job of store.jobs.pendingFor(workerId)) {
      applyTransition(store, job, onWorkerForgotten(job, worker.displayName ?? worker.hostname), now);
      failed.push(job.jobId);
    }
    store.workers.forget(workerId);
    return { ok: true, failedJobs: failed };
  });
  if (outcome.ok) store.announce([workerId], failed, false);
  return outcome;
}

export function replaceWorker(store: Store, workerId: string, replaces: string): ForgetOutcome {
  const moved: string[] = [];
  const outcome = store.db.transaction((): ForgetOutcome => {
    const fresh = store.workers.get(workerId);
    const old = store.workers.get(replaces);
    if (!fresh || !old) return { ok: false, reason: 'worker_not_found', message: `No worker named ${fresh ? replaces : workerId} is registered.` };
    if (old.status !== 'offline' && !old.revoked)
      return { ok: false, reason: 'worker_online', message: `${old.hostname} (${replaces}) is online; only an offline worker can be replaced.` };
    if (!fresh.displayName && old.displayName) store.workers.setDisplayName(workerId, old.displayName);
    store.workers.setTags(workerId, [...new Set([...fresh.tags, ...old.tags])]);
    moved.push(...store.jobs.retarget(replaces, workerId));
    store.workers.forget(replaces);
    return { ok: true, failedJobs: [] };
  });
  if (outcome.ok) store.announce([workerId, replaces], moved, moved.length > 0);
  return outcome;
}

/** The admin's name for a worker (null: its hostname again). */
export function renameWorker(store: Store, workerId: string, name: string | null): WorkerDto | undefined {
  return changeWorker(store, workerId, () => store.workers.setDisplayName(workerId, name || null), false);
}

/** Paused by the admin: it finishes its job and takes no other until resumed. */
export function pauseWorker(store: Store, workerId: string, paused: boolean): WorkerDto | undefined {
  return changeWorker(store, workerId, () => store.workers.setAdminPaused(workerId, paused, store.now()), !paused);
}

/** The admin sets a worker's tags (its own --tags replace them when it registers again); a targeted job may match it now. */
export function setWorkerTags(store: Store, workerId: string, tags: string[]): WorkerDto | undefined {
  return changeWorker(store, workerId, () => store.workers.setTags(workerId, tags), true);
}

function changeWorker(store: Store, workerId: string, change: () => void, workAvailable: boolean): WorkerDto | undefined {
  const done = store.db.transaction(() => {
    if (!store.workers.get(workerId)) return false;
    change();
    return true;
  });
  if (!done) return undefined;
  store.announce([workerId], [], workAvailable);
  return getWorker(store, workerId);
}
