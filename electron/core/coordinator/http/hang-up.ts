/**
 * Truthful liveness: a worker keeps a request open to the coordinator (its job long poll when idle,
 * the control poll when busy). If that request closes before it was answered and the worker is not
 * heard from within a moment, its process is gone: it is shown offline and its job ends, in seconds
 * rather than after --offline-after. A PC that loses power or network still falls to the heartbeat rule.
 */
import type { Response } from 'express';
import type { Principal } from './auth.ts';
import type { CoordinatorContext } from '../context.ts';
import { workerGone } from '../workers/worker-liveness.ts';

/** Long enough for a worker that ended a poll on purpose (job done, stopping) to send its next request. */
export const HANG_UP_GRACE_MS = 1500;

export function watchHangUp(ctx: CoordinatorContext, res: Response, workerId: string): void {
  // Only a worker's own token says who hung up; without auth, liveness is the heartbeat's alone.
  if ((res.locals.principal as Principal | undefined)?.role !== 'worker') return;
  // In a campus the worker may have moved to another coordinator, whose requests this one does not see: its
  // liveness is the heartbeat's, judged by the coordinator running the duties.
  if (ctx.store.db.engine === 'postgres') return;
  res.on('close', () => {
    if (res.writableFinished) return;
    const at = Date.now();
    setTimeout(() => {
      try {
        if (workerGone(ctx.store, workerId, 'connection_lost', at)) ctx.logger.warn('worker went away (its open request closed)', { workerId });
      } catch {
        // the coordinator is stopping: nothing to mark
      }
    }, HANG_UP_GRACE_MS).unref();
  });
}
