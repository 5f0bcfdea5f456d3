/** Waking PCs and powering them off: an admin's or a teacher's (only the PCs in their rooms) two requests. */
import express from 'express';
import { powerBody, wakeBody } from '../../../../../shared/api-schemas.ts';
import type { CoordinatorContext } from '../../context.ts';
import { parseBody } from '../validate.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { chooseScopedWorkers } from '../../workers/chosen-workers.ts';
import { scopeOf } from '../auth.ts';
import { wakeWorkers } from '../../workers/wake.ts';
import { requestPower } from '../../workers/power.ts';

export function powerRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '1mb' });

  routes.on('postWorkersWake', json, async (req, res) => {
    const body = parseBody(wakeBody, req.body, [], 'give workerIds (a list of worker ids) or target (workers, tags or os)');
    const ids = chooseScopedWorkers(ctx.store, body, scopeOf(res)).map((w) => w.workerId);
    const hangUp = new AbortController();
    res.on('close', () => hangUp.abort());
    // A long wait is quiet on the wire, and that is not an idle connection.
    if ((body.waitSeconds ?? 0) > 0) ctx.guard.keepOpen(req.socket);
    const outcome = await wakeWorkers(ctx, ids, { waitSeconds: body.waitSeconds, signal: hangUp.signal });
    res.json({ success: true, ...outcome });
  });

  routes.on('postWorkersPower', json, async (req, res) => {
    const body = parseBody(powerBody, req.body, ['action'], 'give workerIds or target, and action (shutdown, reboot or logoff)');
    const outcome = requestPower(ctx, chooseScopedWorkers(ctx.store, body, scopeOf(res)), body);
    await ctx.commit.durable();
    ctx.logger.info('power action requested', { action: body.action, delaySeconds: body.delaySeconds ?? 0, force: body.force ?? false, ...outcome });
    res.json({ success: true, ...outcome });
  });

  return routes;
}
