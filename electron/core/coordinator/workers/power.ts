/**
 * Power actions (shut down, restart, log off) through the workers, and what rides on a worker's
 * heartbeat and long-poll answers for it to do.
 *
 * Whether a PC is in use is known at request time from its last heartbeat (`inUse`: keyboard or mouse
 * used within the policy's idle minutes): without `force` such a PC is answered `inUse` and told
 * nothing. The worker checks again when the action reaches it, and one that someone started using in
 * between skips it and reports `in_use` (the worker's `power` on the dashboard). An action is given to
 * the worker once (at most once: a restart told twice could restart a PC that already came back).
 */
import type { PowerOrder, WakeOrder, WorkerPowerDto } from '../../../../shared/power-schema.ts';
import type { PowerAction } from '../../../../shared/wake.ts';
import type { CoordinatorContext } from '../context.ts';
import type { WorkerRecord } from '../state/repositories/workers.ts';

export interface PowerRequest {
  action: PowerAction;
  delaySeconds?: number;
  force?: boolean;
}

export interface PowerOutcome {
  accepted: string[];
  inUse: string[];
  offline: string[];
}

/** Records the action for each chosen worker that is online and (without force) not in use; wakes their long polls. */
export function requestPower(ctx: Pick<CoordinatorContext, 'store' | 'scheduler'>, workers: WorkerRecord[], request: PowerRequest): PowerOutcome {
  const { store } = ctx;
  const now = store.now();
  const outcome: PowerOutcome = { accepted: [], inUse: [], offline: [] };
  store.db.transaction(() => {
    for (const listed of workers) {
      const worker = store.workers.get(listed.workerId);
      if (!worker) continue; // forgotten since it was chosen
      if (worker.status === 'offline' || worker.revoked) outcome.offline.push(worker.workerId);
      else if (worker.inUse && !request.force) outcome.inUse.push(worker.workerId);
      else {
        store.workers.setPower(worker.workerId, {
          action: request.action,
          state: 'requested',
          delaySeconds: request.delaySeconds ?? 0,
          force: request.force ?? false,
          requestedAt: now,
          at: null,
          message: null,
        });
        outcome.accepted.push(worker.workerId);
      }
    }
  });
  store.announce(outcome.accepted, [], false);
  for (const id of outcome.accepted) ctx.scheduler.release(id); // an idle worker hears of it now, not at its next heartbeat
  return outcome;
}

export interface WorkerOrders {
  wake?: WakeOrder[];
  power?: PowerOrder;
  /** A power action was given: the answer waits for that to be on disk. */
  changed: boolean;
}

/** What `workerId` is to do now, each thing given once: magic packets to relay and a power action not yet delivered. */
export function takeOrders(ctx: Pick<CoordinatorContext, 'store' | 'wakeRelays'>, workerId: string): WorkerOrders {
  const { store } = ctx;
  const wake = ctx.wakeRelays.take(workerId);
  const power = store.db.transaction((): WorkerPowerDto | undefined => {
    const current = store.workers.get(workerId)?.power;
    if (current?.state !== 'requested') return undefined;
    store.workers.setPower(workerId, { ...current, state: 'delivered' });
    return current;
  });
  if (power) store.announce([workerId], [], false);
  return {
    ...(wake.length > 0 ? { wake } : {}),
    ...(power ? { power: { action: power.action, delaySeconds: power.delaySeconds, force: power.force, requestedAt: power.requestedAt } } : {}),
    changed: power !== undefined,
  };
}

/** Whether anything waits for `workerId` (a long poll answered without a job should then carry it). */
export function hasOrders(ctx: Pick<CoordinatorContext, 'store' | 'wakeRelays'>, workerId: string): boolean {
  return ctx.wakeRelays.has(workerId) || ctx.store.workers.get(workerId)?.power?.state === 'requested';
}
