/** Worker registration, heartbeat and the worker list (seed endpoints 1-3). */
import express from 'express';
import {
  goodbyeBody,
  heartbeatBody,
  pauseWorkerBody,
  policyBody,
  registerBody,
  renameWorkerBody,
  replaceWorkerBody,
  revokeBody,
  workerTagsBody,
} from '../../../../../shared/api-schemas.ts';
import { hashToken, newToken, principalOf, requireRegistrar, requireWorker, scopeOf } from '../auth.ts';
import { workerInScope } from '../../people/scope.ts';
import type { JoinRefusal } from '../../workers/worker-liveness.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { refusalToHttp } from '../refusals.ts';
import { parseBody } from '../validate.ts';
import { DEFAULT_POLICY, parseWindows } from '../../../../../shared/policy.ts';
import { scopeKey, type PolicyScope } from '../../state/repositories/policies.ts';
import { heartbeat, joinNewWorker, registerWorker, workerGone } from '../../workers/worker-liveness.ts';
import { forgetWorker, pauseWorker, renameWorker, replaceWorker, setWorkerTags } from '../../workers/worker-admin.ts';
import { getWorker, listWorkers } from '../../workers/worker-queries.ts';
import { policies, setPolicy } from '../../workers/policies.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { takeOrders } from '../../workers/power.ts';

export function workerRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '64kb' });

  routes.on('postWorkersRegister', json, async (req, res) => {
    const body = parseBody(registerBody, req.body, ['workerId', 'hostname'], 'workerId and hostname are required');
    const principal = requireRegistrar(res, body.workerId);
    const workerToken = ctx.settings.auth ? newToken('worker') : undefined;
    const tokenHash = workerToken ? hashToken(workerToken) : null;
    let endedJobs: string[] = [];
    if (principal.role === 'join') {
      const outcome = joinNewWorker(ctx.store, body, tokenHash, hashToken(ctx.settings.tokens.joinToken));
      if (!outcome.ok) throw joinRefusal(outcome, body.workerId);
    } else {
      endedJobs = registerWorker(ctx.store, body, tokenHash).endedJobs;
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

  // A worker that stops says so: offline at once, not after --offline-after.
  routes.on('postWorkersGoodbye', json, async (req, res) => {
    const body = parseBody(goodbyeBody, req.body, ['workerId'], 'workerId is required');
    const workerId = requireWorker(res, body.workerId)!;
    workerGone(ctx.store, workerId, body.poweringOff ? 'powered_off' : 'goodbye');
    ctx.zipSources.directory.forget(workerId);
    await ctx.commit.durable();
    ctx.logger.info(body.poweringOff ? 'worker said goodbye: its PC is powering off' : 'worker said goodbye', { workerId });
    res.json({ success: true, workerId });
  });

  routes.on('postWorkersRename', json, async (req, res) => {
    const body = parseBody(renameWorkerBody, req.body, ['workerId'], 'workerId and name are required');
    const worker = renameWorker(ctx.store, body.workerId, body.name);
    if (!worker) throw new HttpError(404, `No worker named ${body.workerId} is registered.`);
    await ctx.commit.durable();
    res.json({ success: true, worker });
  });

  routes.on('postWorkersPause', json, async (req, res) => {
    const body = parseBody(pauseWorkerBody, req.body, ['workerId'], 'workerId and paused are required');
    const worker = pauseWorker(ctx.store, body.workerId, body.paused);
    if (!worker) throw new HttpError(404, `No worker named ${body.workerId} is registered.`);
    await ctx.commit.durable();
    res.json({ success: true, worker });
  });

  return routes;
}

/** The admin's hand on the workers list, and the heartbeat. */
export function workerListRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '64kb' });

  routes.on('postWorkersForget', json, async (req, res) => {
    const body = parseBody(revokeBody, req.body, ['workerId'], 'workerId is required');
    const outcome = forgetWorker(ctx.store, body.workerId);
    if (!outcome.ok) throw refusalToHttp(outcome);
    await ctx.commit.durable();
    ctx.logger.info('worker forgotten', { workerId: body.workerId, failedJobs: outcome.failedJobs });
    res.json({ success: true, workerId: body.workerId, failedJobs: outcome.failedJobs });
  });

  routes.on('postWorkersReplace', json, async (req, res) => {
    const body = parseBody(replaceWorkerBody, req.body, ['workerId', 'replaces'], 'workerId and replaces are required');
    const outcome = replaceWorker(ctx.store, body.workerId, body.replaces);
    if (!outcome.ok) throw refusalToHttp(outcome);
    await ctx.commit.durable();
    ctx.logger.info('worker replaced', { workerId: body.workerId, replaces: body.replaces });
    const worker = getWorker(ctx.store, body.workerId);
    if (!worker) throw refusalToHttp({ reason: 'worker_not_found', message: `No worker named ${body.workerId} is registered.` });
    res.json({ success: true, worker });
  });

  routes.on('postWorkersTags', json, async (req, res) => {
    const body = parseBody(workerTagsBody, req.body, ['workerId', 'tags'], 'workerId and tags are required');
    const worker = setWorkerTags(ctx.store, body.workerId, body.tags);
    if (!worker) throw new HttpError(404, `No worker named ${body.workerId} is registered.`);
    await ctx.commit.durable();
    res.json({ success: true, worker });
  });

  routes.on('getWorkersRegister', (_req, res) => {
    const scope = scopeOf(res);
    const workers = listWorkers(ctx.store).filter((w) => workerInScope(w, scope));
    res.json({ workers, count: workers.length });
  });

  routes.on('postWorkersHeartbeat', json, async (req, res) => {
    const body = parseBody(heartbeatBody, req.body, ['workerId'], 'workerId is required');
    requireWorker(res, body.workerId);
    const beat = heartbeat(ctx.store, body.workerId, {
      reportedJobId: body.jobId,
      paused: body.paused,
      restarted: body.restarted,
      warnings: body.warnings,
      available: body.available,
      reason: body.reason,
      suspended: body.suspended,
      interfaces: body.interfaces,
      inUse: body.inUse,
      power: body.power,
    });
    if (!beat) throw new HttpError(404, 'Worker not found', {}, 'worker_not_found');
    // Only the worker's own beat says where it serves: its address is where the beat came from.
    if (principalOf(res).role === 'worker') ctx.zipSources.seen(body.workerId, req.socket.remoteAddress, body.peer, body.restarted);
    const { changed, ...orders } = takeOrders(ctx, body.workerId);
    if (beat.changed || changed) await ctx.commit.durable();
    // The policy rides on every answer: a change on the dashboard reaches the PC at its next heartbeat.
    res.json({
      success: true,
      workerId: body.workerId,
      timestamp: beat.worker.lastHeartbeat,
      status: beat.worker.status,
      cancelJobIds: beat.cancelJobIds,
      policy: beat.worker.policy,
      ...(body.peer ? { ticketKey: ctx.zipSources.ticketKey } : {}),
      ...orders,
    });
  });

  return routes;
}

/** When workers may run jobs: the lab's policy and its overrides. */
export function policyRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '64kb' });

  routes.on('getWorkersPolicy', (_req, res) => {
    res.json(policies(ctx.store, scopeOf(res)));
  });

  routes.on('postWorkersPolicy', json, async (req, res) => {
    const body = parseBody(policyBody, req.body, [], 'give "when" (always, idle or schedule), or clear: true');
    if (body.when === 'schedule') {
      try {
        parseWindows(body.windows!);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
    }
    const scope: PolicyScope = body.workerId ? { kind: 'worker', workerId: body.workerId } : body.tag ? { kind: 'tag', tag: body.tag } : { kind: 'lab' };
    if (scope.kind === 'worker' && !getWorker(ctx.store, scope.workerId)) throw new HttpError(404, `No worker named ${scope.workerId} is registered.`);
    const policy = body.clear
      ? null
      : {
          ...DEFAULT_POLICY,
          when: body.when!,
          ...(body.idleMinutes !== undefined ? { idleMinutes: body.idleMinutes } : {}),
          windows: body.windows ?? null,
          ...(body.onUserReturn ? { onUserReturn: body.onUserReturn } : {}),
          ...(body.priority ? { priority: body.priority } : {}),
          ...(body.notices !== undefined ? { notices: body.notices } : {}),
        };
    setPolicy(ctx.store, scope, policy);
    await ctx.commit.durable();
    ctx.logger.info('policy set', { scope: scopeKey(scope), policy });
    res.json({ success: true, scope: scopeKey(scope), policy });
  });

  return routes;
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
