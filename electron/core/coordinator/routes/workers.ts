/** Worker registration, heartbeat and the worker list (seed endpoints 1-3). */
import express, { Router } from 'express';
import { heartbeatBody, registerBody } from '../../../../shared/api-schemas.ts';
import { hashToken, newToken, requireAdmin, requireJoin, requireWorker } from '../auth.ts';
import type { CoordinatorContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { parseBody } from '../validate.ts';

export function workerRoutes(ctx: CoordinatorContext): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  router.post('/api/workers/register', json, async (req, res) => {
    requireJoin(res);
    const body = parseBody(registerBody, req.body, ['workerId', 'hostname'], 'workerId and hostname are required');
    const workerToken = ctx.settings.auth ? newToken('worker') : undefined;
    const { endedJobs } = ctx.store.registerWorker(body, workerToken ? hashToken(workerToken) : null);
    ctx.logger.info('worker registered', { workerId: body.workerId, hostname: body.hostname, endedJobs });
    await ctx.commit.durable();
    res.json({
      success: true,
      workerId: body.workerId,
      message: `Worker ${body.workerId} registered successfully`,
      ...(workerToken ? { workerToken } : {}),
      heartbeatIntervalSeconds: ctx.settings.heartbeatIntervalSeconds,
      offlineAfterSeconds: ctx.settings.offlineAfterSeconds,
    });
  });

  router.get('/api/workers/register', (_req, res) => {
    requireAdmin(res);
    const workers = ctx.store.listWorkers();
    res.json({ workers, count: workers.length });
  });

  router.post('/api/workers/heartbeat', json, async (req, res) => {
    const body = parseBody(heartbeatBody, req.body, ['workerId'], 'workerId is required');
    requireWorker(res, body.workerId);
    const beat = ctx.store.heartbeat(body.workerId, { reportedJobId: body.jobId, paused: body.paused, restarted: body.restarted });
    if (!beat) throw new HttpError(404, 'Worker not found');
    if (beat.changed) await ctx.commit.durable();
    res.json({ success: true, workerId: body.workerId, timestamp: beat.worker.lastHeartbeat, status: beat.worker.status, cancelJobIds: beat.cancelJobIds });
  });

  return router;
}
