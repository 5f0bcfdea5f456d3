/**
 * Workers coming, beating and going: registration, heartbeats and the offline sweep, each one
 * transaction that also settles the jobs the coordinator thought the worker ran.
 */
import type { WorkerDto } from '../../../../shared/api.ts';
import type { WorkerPowerDto } from '../../../../shared/power-schema.ts';
import type { LanInterface, PowerAction } from '../../../../shared/wake.ts';
import { onDeadline, onHeartbeat, onOverdue, onWorkerGone, TIMEOUT_GRACE_MS } from '../jobs/lifecycle.ts';
import type { JobRecord } from '../state/repositories/job-rows.ts';
import type { RegisterInput } from '../state/repositories/workers.ts';
import type { Store } from '../state/store.ts';
import { applyTransition } from '../jobs/transitions.ts';

export interface Beat {
  /** What the worker says it runs (null: nothing; undefined: it did not say). */
  reportedJobId?: string | null;
  paused?: boolean;
  /** The worker process is new: jobs given to its previous process are lost. */
  restarted?: boolean;
  warnings?: string[];
  /** Whether its policy lets it run jobs now, and why not. */
  available?: boolean;
  reason?: string | null;
  /** Its job is frozen now: the student at the PC came back. */
  suspended?: boolean;
  /** Its interfaces, when they changed. */
  interfaces?: LanInterface[];
  /** Someone uses the PC (keyboard or mouse within the policy's idle minutes). */
  inUse?: boolean;
  /** What became of the power action it was given. */
  power?: { action: PowerAction; requestedAt: number; state: 'powering_off' | 'in_use' | 'failed'; at: number; message?: string | null } | null;
}

/** What the offline sweep did, for logs and tests. */
export interface SweepReport {
  offline: string[];
  requeued: string[];
  failed: string[];
  cancelled: string[];
  timedOut: string[];
}

/** Registers a worker (or one that restarted): it comes back idle with a new token; what it ran is lost. */
export function registerWorker(store: Store, input: RegisterInput, tokenHash: string | null): { worker: WorkerDto; endedJobs: string[] } {
  const now = store.now();
  const ended = store.db.transaction(() => {
    const lost = store.jobs.runningOf(input.workerId);
    for (const job of lost)
      applyTransition(store, job, onWorkerGone(job, 'worker_restarted', `Worker ${input.workerId} restarted (registered again) while running this job.`), now);
    store.workers.upsert(input, tokenHash, now);
    return lost.map((job) => job.jobId);
  });
  store.announce([input.workerId], ended, ended.length > 0);
  return { worker: store.workerDto(store.workers.get(input.workerId)!), endedJobs: ended };
}

export type JoinRefusal =
  | { ok: false; reason: 'worker_exists' }
  | { ok: false; reason: 'join_token_expired'; expiresAt: number }
  | { ok: false; reason: 'join_token_used_up'; maxUses: number };

/**
 * A new PC joins with the join token: only a worker id nobody has yet (an existing worker is taken
 * over only with its own token or the admin's), and only while the token has uses and time left.
 */
export function joinNewWorker(
  store: Store,
  input: RegisterInput,
  tokenHash: string | null,
  joinTokenHash: string,
): { ok: true; worker: WorkerDto } | JoinRefusal {
  const now = store.now();
  const outcome = store.db.transaction((): { ok: true } | JoinRefusal => {
    if (store.workers.get(input.workerId)) return { ok: false, reason: 'worker_exists' };
    const policy = store.joinTokens.policy(joinTokenHash);
    if (policy.expiresAt !== null && now >= policy.expiresAt) return { ok: false, reason: 'join_token_expired', expiresAt: policy.expiresAt };
    if (policy.maxUses !== null && policy.uses >= policy.maxUses) return { ok: false, reason: 'join_token_used_up', maxUses: policy.maxUses };
    store.joinTokens.use(joinTokenHash);
    store.workers.upsert(input, tokenHash, now);
    return { ok: true };
  });
  if (!outcome.ok) return outcome;
  store.announce([input.workerId], [], false);
  return { ok: true, worker: store.workerDto(store.workers.get(input.workerId)!) };
}

/** The admin revokes a worker: its token stops working at once and what it ran is settled as lost. */
export function revokeWorker(store: Store, workerId: string): { ok: true; endedJobs: string[] } | { ok: false; reason: 'worker_not_found' } {
  const now = store.now();
  const outcome = store.db.transaction((): { ok: true; endedJobs: string[] } | { ok: false; reason: 'worker_not_found' } => {
    if (!store.workers.get(workerId)) return { ok: false, reason: 'worker_not_found' };
    const lost = store.jobs.runningOf(workerId);
    for (const job of lost)
      applyTransition(store, job, onWorkerGone(job, 'worker_lost', `Worker ${workerId} was revoked by the admin while running this job.`), now);
    store.workers.revoke(workerId, now);
    return { ok: true, endedJobs: lost.map((job) => job.jobId) };
  });
  if (outcome.ok) store.announce([workerId], outcome.endedJobs, outcome.endedJobs.length > 0);
  return outcome;
}

/** Records a heartbeat; answers the jobs to cancel and whether anything that must survive power loss changed. */
export function heartbeat(store: Store, workerId: string, beat: Beat): { worker: WorkerDto; cancelJobIds: string[]; changed: boolean } | undefined {
  const now = store.now();
  const ended: string[] = [];
  const held: string[] = [];
  let requeued = false;
  const result = store.db.transaction(() => {
    const worker = store.workers.get(workerId);
    if (!worker) return undefined;
    store.workers.touch(workerId, now);
    let changed = false;
    if (beat.warnings !== undefined && JSON.stringify(beat.warnings) !== JSON.stringify(worker.warnings)) {
      store.workers.setWarnings(workerId, beat.warnings);
      changed = true;
    }
    if (beat.available !== undefined && (beat.available !== worker.available || (beat.reason ?? null) !== worker.availabilityReason)) {
      store.workers.setAvailability(workerId, beat.available, beat.reason ?? null);
      changed = true;
    }
    if (beat.paused !== undefined && beat.paused !== worker.paused) {
      store.workers.setPaused(workerId, beat.paused, now);
      changed = true;
    }
    if (beat.interfaces !== undefined && JSON.stringify(beat.interfaces) !== JSON.stringify(worker.interfaces)) {
      store.workers.setInterfaces(workerId, beat.interfaces);
      changed = true;
    }
    if (beat.inUse !== undefined && beat.inUse !== worker.inUse) {
      store.workers.setInUse(workerId, beat.inUse);
      changed = true;
    }
    const power = powerAfter(worker.power, beat);
    if (power !== worker.power) {
      store.workers.setPower(workerId, power);
      changed = true;
    }
    const cancelJobIds: string[] = [];
    for (const job of store.jobs.runningOf(workerId)) {
      const { transition, cancel } = onHeartbeat(job, { workerId, reportedJobId: beat.reportedJobId, restarted: beat.restarted, now });
      if (cancel) cancelJobIds.push(job.jobId);
      if (!transition) continue;
      applyTransition(store, job, transition, now);
      ended.push(job.jobId);
      requeued ||= transition.kind === 'requeue';
    }
    // The worker's state follows from what it runs now (an offline worker that beats is back).
    const running = store.jobs.runningOf(workerId)[0];
    if (running && beat.suspended !== undefined && holdChanged(store, running, beat.suspended, now)) {
      changed = true;
      held.push(running.jobId); // news for the job's page, its run's tiles and the live feed
    }
    const current = running?.jobId ?? null;
    const status = current ? 'busy' : 'idle';
    if (status !== worker.status || current !== worker.currentJobId || ended.length > 0) {
      store.workers.setState(workerId, status, current);
      changed = true;
    }
    // A plain "still alive" moves only the timestamp: not a change that must survive power loss.
    return { worker: store.workerDto(store.workers.get(workerId)!), cancelJobIds, changed };
  });
  // Every heartbeat is news to the dashboard ("last seen"); the live feed coalesces them.
  if (result) store.announce([workerId], [...ended, ...held], requeued);
  return result;
}

/**
 * A worker's power action after a heartbeat: what it reports replaces the state (keeping what the admin
 * asked); a restarted process without a report has done it, or never will: nothing is pending any more.
 * The same object when nothing changes.
 */
function powerAfter(stored: WorkerPowerDto | null, beat: Beat): WorkerPowerDto | null {
  const report = beat.power;
  // A report of an older order (a newer request waits) changes nothing.
  if (report && (stored === null || stored.requestedAt === report.requestedAt)) {
    const next: WorkerPowerDto = {
      ...(stored ?? { delaySeconds: 0, force: false, requestedAt: report.requestedAt }),
      action: report.action,
      state: report.state,
      at: report.at,
      message: report.message ?? null,
    };
    return JSON.stringify(next) === JSON.stringify(stored) ? stored : next;
  }
  return beat.restarted && stored !== null && stored.state !== 'requested' ? null : stored;
}

/** The worker says its job is frozen (the student came back) or runs again: the job's hold starts or ends. */
function holdChanged(store: Store, job: JobRecord, suspended: boolean, now: number): boolean {
  if (suspended === (job.suspendedSince !== null)) return false;
  if (suspended) store.jobs.setSuspended(job, now, job.suspendedMs);
  else store.jobs.setSuspended(job, null, job.suspendedMs + Math.max(0, now - job.suspendedSince!));
  return true;
}

/**
 * Marks workers silent since before `cutoff` offline and ends or requeues their jobs; fails jobs whose
 * worker has not reported long past their timeout. Called periodically by the scheduler.
 */
export function sweep(store: Store, cutoff: number, offlineAfterSeconds: number): SweepReport {
  const now = store.now();
  const report: SweepReport = { offline: [], requeued: [], failed: [], cancelled: [], timedOut: [] };
  store.db.transaction(() => {
    for (const workerId of store.workers.staleIds(cutoff)) {
      const lastSign = store.lastSignOfLife(workerId);
      for (const job of store.jobs.runningOf(workerId)) {
        const transition = onWorkerGone(
          job,
          'worker_lost',
          `Worker ${nameOf(store, workerId)} stopped sending heartbeats (offline after ${offlineAfterSeconds} s); the job was lost.`,
        );
        // Nothing ran after the worker's last sign of life: the job's time ends there.
        applyTransition(store, job, transition, Math.min(now, Math.max(job.startedAt ?? 0, lastSign)));
        const bucket = transition.kind === 'requeue' ? 'requeued' : transition.kind === 'end' && transition.status === 'cancelled' ? 'cancelled' : 'failed';
        report[bucket].push(job.jobId);
      }
      store.workers.setState(workerId, 'offline', null);
      store.noteWorkerOffline(workerId);
      report.offline.push(workerId);
    }
    for (const job of store.jobs.overdue(TIMEOUT_GRACE_MS, now)) {
      const transition = onOverdue(job, now);
      if (!transition) continue;
      applyTransition(store, job, transition, now);
      if (job.workerId) store.workers.setState(job.workerId, 'idle', null);
      report.timedOut.push(job.jobId);
    }
    for (const job of store.jobs.pastDeadline(now)) {
      const transition = onDeadline(job, job.target?.workers?.join(', ') ?? 'No matching worker', now);
      if (!transition) continue;
      applyTransition(store, job, transition, now);
      report.failed.push(job.jobId);
    }
  });
  store.announce(report.offline, [...report.requeued, ...report.failed, ...report.cancelled, ...report.timedOut], report.requeued.length > 0);
  return report;
}

/** "lab-pc-03 (worker-vm-0b14)": the name people know, then the id. */
function nameOf(store: Store, workerId: string): string {
  const name = store.workers.get(workerId)?.hostname;
  return name && name !== workerId ? `${name} (${workerId})` : workerId;
}

/** `powered_off`: its goodbye said the PC shuts down, restarts or logs off, as the admin asked. */
export type GoneCause = 'connection_lost' | 'goodbye' | 'powered_off';

/**
 * A worker is gone now, not after --offline-after: its kept-open connection closed and it has not been
 * heard from since `since`, when it closed (connection_lost), or it said goodbye. Its jobs end (or go
 * back to the queue) with their time ending when the connection closed. Returns whether anything changed.
 */
export function workerGone(store: Store, workerId: string, cause: GoneCause, since = 0): boolean {
  const now = store.now();
  const ended: string[] = [];
  let requeued = false;
  const changed = store.db.transaction(() => {
    const worker = store.workers.get(workerId);
    if (!worker || worker.status === 'offline') return false;
    const lastSign = store.lastSignOfLife(workerId);
    if (cause === 'connection_lost' && lastSign > since) return false; // it came back
    const message =
      cause === 'goodbye'
        ? `Worker ${nameOf(store, workerId)} stopped while running this job.`
        : cause === 'powered_off'
          ? `Worker ${nameOf(store, workerId)} stopped while running this job: its PC was told to ${worker.power?.action === 'logoff' ? 'log off' : worker.power?.action === 'reboot' ? 'restart' : 'shut down'} by the admin.`
          : `Worker ${nameOf(store, workerId)} went away while running this job (its connection closed and it did not come back); the job was lost.`;
    // Its open connection was alive until it closed: the job's time ends there (or now, for a goodbye).
    const endAt = cause === 'connection_lost' ? Math.min(now, since) : now;
    for (const job of store.jobs.runningOf(workerId)) {
      const transition = onWorkerGone(job, 'worker_lost', message);
      applyTransition(store, job, transition, Math.max(job.startedAt ?? 0, endAt));
      ended.push(job.jobId);
      requeued ||= transition.kind === 'requeue';
    }
    store.workers.setState(workerId, 'offline', null);
    store.noteWorkerOffline(workerId);
    // Gone on purpose: the dashboard shows it powered off, not lost.
    if (cause === 'powered_off' && worker.power && worker.power.state !== 'powering_off')
      store.workers.setPower(workerId, { ...worker.power, state: 'powering_off', at: worker.power.at ?? now });
    return true;
  });
  if (changed) store.announce([workerId], ended, requeued);
  return changed;
}
