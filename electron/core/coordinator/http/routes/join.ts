/**
 * Joining without typing: PCs ask to join (no token; rate limited) and the admin approves or refuses
 * them; the admin can also revoke a worker and rotate the join token (optionally single-use or expiring).
 */
import express, { type Request } from 'express';
import { joinDecisionBody, joinRequestBody, revokeBody, rotateJoinTokenBody } from '../../../../../shared/api-schemas.ts';
import { hashToken, newToken, saveTokens } from '../auth.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import type { JoinRequest } from '../../workers/join-requests.ts';
import { queryString, parseBody } from '../validate.ts';
import { getWorker } from '../../workers/worker-queries.ts';
import { registerWorker, revokeWorker } from '../../workers/worker-liveness.ts';
import { setJoinTokenPolicy } from '../../workers/join-tokens.ts';
import { RouteHandlers } from '../endpoint-routes.ts';

/** What the dashboard lists about a waiting PC (never its key), and why approving it would be a mistake. */
function describe(ctx: CoordinatorContext, r: JoinRequest, pending: JoinRequest[]) {
  const conflict = getWorker(ctx.store, r.workerId)
    ? 'a worker with this id is already registered: approving would replace it'
    : pending.some((o) => o !== r && o.workerId === r.workerId)
      ? 'another request asks for the same worker id: one of them is not that PC'
      : null;
  return {
    requestId: r.requestId,
    workerId: r.workerId,
    hostname: r.hostname,
    os: r.os ?? null,
    address: r.address,
    pairingCode: r.pairingCode,
    createdAt: r.createdAt,
    conflict,
  };
}

/** Endpoints a PC without any token may call: ask to join, then collect the answer with its secret. */
export function joinRequestRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '8kb' });

  routes.on('postWorkersJoinRequests', json, async (req, res) => {
    const body = parseBody(joinRequestBody, req.body, ['workerId', 'hostname', 'key'], 'workerId, hostname and key are required');
    const outcome = await ctx.joinRequests.ask(body, req.socket.remoteAddress ?? 'unknown');
    if (!outcome.ok && outcome.reason === 'rate_limited') {
      throw new HttpError(429, `Too many requests to join from this address; try again in ${outcome.retryAfterSeconds} s.`, {
        'Retry-After': String(outcome.retryAfterSeconds),
      });
    }
    if (!outcome.ok)
      throw new HttpError(
        503,
        'Too many PCs are waiting to join; ask the admin to approve or refuse them on the dashboard, then try again.',
        {},
        'join_list_full',
      );
    ctx.logger.info('a PC asks to join', { workerId: body.workerId, hostname: body.hostname, address: outcome.request.address });
    res.status(202).json({ success: true, requestId: outcome.request.requestId, pairingCode: outcome.request.pairingCode, status: 'pending' });
  });

  routes.on('getWorkersJoinRequestsStatus', (req, res) => {
    const request = ctx.joinRequests.withSecret(queryString(req.query.requestId, 'requestId') ?? '', queryString(req.query.secret, 'secret') ?? '');
    if (!request) throw new HttpError(404, 'No such request to join (it expired, or the coordinator restarted); ask to join again.');
    if (request.state === 'approved') ctx.joinRequests.collect(request);
    res.json({
      status: request.state,
      workerId: request.workerId,
      ...(request.state === 'approved' && request.workerToken ? { workerToken: request.workerToken } : {}),
      fingerprint: ctx.settings.fingerprint,
    });
  });

  return routes;
}

/** The admin's side: list, approve, refuse, revoke, rotate. */
export function joinAdminRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '128kb' });

  // In a flood, only requests whose PC still asks for its answer are listed (a real PC does, every 2 s);
  // the rest are one line: how many asks from how many addresses, to refuse all at once.
  routes.on('getWorkersJoinRequests', (_req, res) => {
    const pending = ctx.joinRequests.pending();
    const flood = ctx.joinRequests.flood();
    const shown = flood ? pending.filter((r) => ctx.joinRequests.isActive(r)) : pending;
    const requests = shown.map((r) => describe(ctx, r, pending));
    res.json({ requests, count: requests.length, waiting: pending.length, flood: flood && { ...flood, hidden: pending.length - shown.length } });
  });

  const decided = (req: Request): JoinRequest[] => {
    const body = parseBody(joinDecisionBody, req.body, [], 'give requestIds, or all: true');
    const pending = ctx.joinRequests.pending();
    if (body.all) return pending;
    const chosen = pending.filter((r) => body.requestIds!.includes(r.requestId));
    if (chosen.length === 0) throw new HttpError(404, 'None of those requests to join is waiting (already decided, or expired).');
    return chosen;
  };

  routes.on('postWorkersJoinRequestsApprove', json, async (req, res) => {
    const approved: string[] = [];
    const skipped: { requestId: string; reason: string }[] = [];
    const pending = ctx.joinRequests.pending();
    for (const request of decided(req)) {
      // Never by approval: taking over a registered worker, or one of two PCs claiming one id.
      const { conflict } = describe(ctx, request, pending);
      if (conflict) {
        skipped.push({ requestId: request.requestId, reason: `${request.hostname} (${request.workerId}): ${conflict}` });
        continue;
      }
      const workerToken = ctx.settings.auth ? newToken('worker') : null;
      const outcome = registerWorker(ctx.store, request, workerToken ? hashToken(workerToken) : null);
      ctx.joinRequests.approve(request, workerToken);
      approved.push(request.requestId);
      ctx.logger.info('PC approved to join', { workerId: request.workerId, hostname: request.hostname, endedJobs: outcome.endedJobs });
    }
    await ctx.commit.durable();
    res.json({ success: true, approved, count: approved.length, skipped });
  });

  routes.on('postWorkersJoinRequestsRefuse', json, (req, res) => {
    const refused = decided(req).map((request) => (ctx.joinRequests.refuse(request), request.requestId));
    res.json({ success: true, refused, count: refused.length });
  });

  routes.on('postWorkersRevoke', json, async (req, res) => {
    const body = parseBody(revokeBody, req.body, ['workerId'], 'workerId is required');
    const outcome = revokeWorker(ctx.store, body.workerId);
    if (!outcome.ok) throw new HttpError(404, 'Worker not found', {}, 'worker_not_found');
    ctx.logger.warn('worker revoked: its token no longer works', { workerId: body.workerId, endedJobs: outcome.endedJobs });
    await ctx.commit.durable();
    res.json({ success: true, workerId: body.workerId, message: `Worker ${body.workerId} was revoked; its token no longer works.` });
  });

  routes.on('postJoinTokenRotate', json, async (req, res) => {
    if (!ctx.settings.auth) throw new HttpError(400, 'Authentication is off (--no-auth): there is no join token to rotate.');
    const body = parseBody(rotateJoinTokenBody, req.body ?? {}, [], 'Send a JSON object; maxUses and expiresAt are optional.');
    const joinToken = newToken('join');
    setJoinTokenPolicy(ctx.store, hashToken(joinToken), { maxUses: body.maxUses ?? null, expiresAt: body.expiresAt ?? null });
    await ctx.commit.durable();
    saveTokens(ctx.dataDir, { ...ctx.settings.tokens, joinToken });
    ctx.settings.tokens.joinToken = joinToken; // auth reads this object: the old token stops working now
    ctx.logger.info('join token rotated', { maxUses: body.maxUses ?? null, expiresAt: body.expiresAt ?? null });
    res.json({ success: true, joinToken, maxUses: body.maxUses ?? null, expiresAt: body.expiresAt ?? null });
  });

  return routes;
}
