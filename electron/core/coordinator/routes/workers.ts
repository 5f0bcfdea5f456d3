/** Worker registration, heartbeat and the worker list (seed endpoints 1-3). */
import express, { Router } from 'express';
import { heartbeatBody, registerBody, workerTagsBody } from '../../../../shared/api-schemas.ts';
import { hashToken, newToken, requireAdmin, requireRegistrar, requireWorker } from '../auth.ts';
import type { JoinRefusal } from '../worker-liveness.ts';
import type { CoordinatorContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { parseBody } from '../validate.ts';

export function workerRoutes(ctx: CoordinatorContext): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  router.post('/api/workers/register', json, async (req, res) => {
    const body = parseBody(registerBody, req.body, ['workerId', 'hostname'], 'workerId and hostname are required');
    const principal = requireRegistrar(res, body.workerId);
    const workerToken = ctx.settings.auth ? newToken('worker') : undefined;
    const tokenHash = workerToken ? hashToken(workerToken) : null;
    let endedJobs: string[] = [];
    if (principal.role === 'join') {
      const outcome = ctx.store.joinNewWorker(body, tokenHash, hashToken(ctx.settings.tokens.joinToken));
      if (!outcome.ok) throw joinRefusal(outcome, body.workerId);
    } else {
      endedJobs = ctx.store.registerWorker(body, tokenHash).endedJobs;
    }
    ctx.logger.info('worker registered', { workerId: body.workerId, hostname: body.hostname, by: principal.role, endedJobs });
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

  router.post('/api/workers/tags', json, async (req, res) => {
    requireAdmin(res);
    const body = parseBody(workerTagsBody, req.body, ['workerId', 'tags'], 'workerId and tags are required');
    const worker = ctx.store.setWorkerTags(body.workerId, body.tags);
    if (!worker) throw new HttpError(404, `No worker named ${body.workerId} is registered.`);
    await ctx.commit.durable();
    res.json({ success: true, worker });
  });

  router.get('/api/workers/register', (_req, res) => {
    requireAdmin(res);
    const workers = ctx.store.listWorkers();
    res.json({ workers, count: workers.length });
  });

  router.post('/api/workers/heartbeat', json, async (req, res) => {
    const body = parseBody(heartbeatBody, req.body, ['workerId'], 'workerId is required');
    requireWorker(res, body.workerId);
    const beat = ctx.store.heartbeat(body.workerId, { reportedJobId: body.jobId, paused: body.paused, restarted: body.restarted, warnings: body.warnings });
    if (!beat) throw new HttpError(404, 'Worker not found');
    if (beat.changed) await ctx.commit.durable();
    res.json({ success: true, workerId: body.workerId, timestamp: beat.worker.lastHeartbeat, status: beat.worker.status, cancelJobIds: beat.cancelJobIds });
  });

  return router;
}

/** Why the join token could not add this PC, as the answer the PC shows. */
function joinRefusal(refusal: JoinRefusal, workerId: string): HttpError {
  switch (refusal.reason) {
    case 'worker_exists':
      return new HttpError(
        409,
        `Worker ${workerId} is already registered; only that worker (with its own token) or the admin can register it again. A new PC needs a new id.`,
      );
    case 'join_token_expired':
      return new HttpError(
        401,
        `The join token expired at ${new Date(refusal.expiresAt).toISOString()}; get a new join line from the dashboard ("Add a worker").`,
      );
    case 'join_token_used_up':
      return new HttpError(401, `The join token has already added ${refusal.maxUses} PCs, its limit; get a new join line from the dashboard ("Add a worker").`);
  }
}
