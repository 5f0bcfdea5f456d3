/** The admin's hand on the workers list: forget a PC that is gone, or let a re-installed PC take over from its old entry. */
import type { StoreCore } from '../state/store-core.ts';
import { assertLegal, type EndJob } from '../jobs/lifecycle.ts';

export type ForgetOutcome = { ok: true; failedJobs: string[] } | { ok: false; status: number; message: string };

/** A worker can be forgotten once it is offline (or revoked): then nothing it runs can be lost by it. */
export function forgetWorker(core: StoreCore, workerId: string): ForgetOutcome {
  const failed: string[] = [];
  const outcome = core.db.transaction((): ForgetOutcome => {
    const worker = core.workers.get(workerId);
    if (!worker) return { ok: false, status: 404, message: `No worker named ${workerId} is registered.` };
    if (worker.status !== 'offline' && !worker.revoked) {
      return { ok: false, status: 409, message: `${worker.hostname} is online; stop it (or revoke its token) before removing it.` };
    }
    const now = core.now();
    for (const job of core.jobs.pendingFor(workerId)) {
      const end: EndJob = {
        kind: 'end',
        status: 'failed',
        endReason: 'worker_offline',
        exitCode: null,
        errorMessage: `The PC this job was for (${worker.displayName ?? worker.hostname}) was removed from the lab; it did not run.`,
        endedBy: 'coordinator',
      };
      assertLegal(job, end);
      core.apply(job, end, now);
      failed.push(job.jobId);
    }
    core.workers.forget(workerId);
    return { ok: true, failedJobs: failed };
  });
  if (outcome.ok) core.announce([workerId], failed, false);
  return outcome;
}

export function replaceWorker(core: StoreCore, workerId: string, replaces: string): ForgetOutcome {
  const moved: string[] = [];
  const outcome = core.db.transaction((): ForgetOutcome => {
    const fresh = core.workers.get(workerId);
    const old = core.workers.get(replaces);
    if (!fresh || !old) return { ok: false, status: 404, message: `No worker named ${fresh ? replaces : workerId} is registered.` };
    if (old.status !== 'offline' && !old.revoked)
      return { ok: false, status: 409, message: `${old.hostname} (${replaces}) is online; only an offline worker can be replaced.` };
    if (!fresh.displayName && old.displayName) core.workers.setDisplayName(workerId, old.displayName);
    core.workers.setTags(workerId, [...new Set([...fresh.tags, ...old.tags])]);
    moved.push(...core.jobs.retarget(replaces, workerId));
    core.workers.forget(replaces);
    return { ok: true, failedJobs: [] };
  });
  if (outcome.ok) core.announce([workerId, replaces], moved, moved.length > 0);
  return outcome;
}
