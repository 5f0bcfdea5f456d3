/**
 * Requests into the audit log. A person's (or the join token's) state change runs inside an audit scope: its row
 * goes into the transaction of its first change (audit/audit-log.ts), or, when nothing was committed, is written
 * as the answer goes out, with the refusal's reason. Refusals before any handler ran (no token, wrong role, no
 * anti-CSRF value) and every read refused for scope are recorded by the error handler through auditRefusal().
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Store } from '../state/store.ts';
import { runAudited, type AuditActor, type AuditScope } from '../audit/audit-context.ts';
import { recordAudit, writeRequestRow } from '../audit/audit-log.ts';
import { isPerson, principalOf, READS, type Principal } from './auth.ts';

/** `/api/jobs/cancel` → `jobs.cancel`: the action an audit row names. */
export function actionOf(path: string): string {
  return path
    .replace(/^\/api\//, '')
    .replace(/^\//, '')
    .replace(/\{\w+\}/g, '')
    .replace(/\/+$/, '')
    .replaceAll('/', '.');
}

export function actorOf(p: Principal, req: Request): AuditActor {
  const address = req.socket.remoteAddress ?? null;
  if (isPerson(p)) return { actor: p.name, userId: p.userId, role: p.role, via: p.via, address };
  if (p.role === 'open') return { actor: 'open (no auth)', userId: null, role: 'admin', via: null, address };
  if (p.role === 'worker') return { actor: `worker ${p.workerId}`, userId: null, role: 'worker', via: 'token', address };
  return { actor: p.role === 'join' ? 'join token' : 'unknown', userId: null, role: null, via: null, address };
}

const TARGET_FIELDS: Record<string, string> = {
  jobId: 'job',
  runId: 'run',
  workerId: 'worker',
  templateId: 'template',
  scheduleId: 'schedule',
  userId: 'user',
  tokenId: 'token',
  webhookId: 'webhook',
  requestId: 'join-request',
};

/** What a request names in its body or query: `job:<id>`, `worker:<id>` for each of workerIds, ... */
export function requestTargets(req: Request): string[] {
  const found: string[] = [];
  for (const source of [req.body, req.query] as unknown[]) {
    if (!source || typeof source !== 'object') continue;
    const fields = source as Record<string, unknown>;
    for (const [field, kind] of Object.entries(TARGET_FIELDS)) {
      const value = fields[field];
      if (typeof value === 'string' && value.length > 0 && value.length <= 200) found.push(`${kind}:${value}`);
    }
    const ids = fields.workerIds ?? fields.jobIds;
    if (Array.isArray(ids)) {
      const kind = fields.workerIds ? 'worker' : 'job';
      for (const id of ids.slice(0, 1000)) if (typeof id === 'string' && id.length <= 200) found.push(`${kind}:${id}`);
    }
  }
  return found;
}

/** People (and the join token) are audited; a worker's own protocol (heartbeats, output, results) is the jobs' record instead. */
function audits(p: Principal): boolean {
  return p.role !== 'worker' && p.role !== 'anonymous';
}

/** Wraps an endpoint's last handler: its state changes are audited. */
export function audited(store: Store, path: string, handler: RequestHandler, onError: (error: Error) => void): RequestHandler {
  const action = actionOf(path);
  return (req, res, next) => {
    const p = principalOf(res);
    if (READS.has(req.method) || !audits(p)) return handler(req, res, next);
    const scope: AuditScope = { ...actorOf(p, req), action, requestTargets: () => requestTargets(req), targets: new Set(), detail: null, written: false };
    res.locals.audit = scope;
    res.on('finish', () => {
      // After the answer: a failure here (a full disk) is logged, never thrown into the server's event loop.
      try {
        if (!scope.written) writeRequestRow(store, scope, res.statusCode < 400 ? 'ok' : 'refused', (res.locals.refusalReason as string | undefined) ?? null);
      } catch (error) {
        onError(error as Error);
      }
    });
    return runAudited(scope, () => handler(req, res, next));
  };
}

/** A refusal before the endpoint's handler ran, or a read refused for scope: recorded, when it is one worth keeping. */
export function auditRefusal(store: Store, req: Request, res: Response, status: number, reason: string): void {
  // Audited already, or a row anyone may call (sign-in records its own refusals; a join request is not a change yet).
  if (res.locals.audit !== undefined || !req.path.startsWith('/api/')) return;
  const p = principalOf(res);
  const write = !READS.has(req.method);
  const worthIt = (write && (status === 401 || status === 403) && p.role !== 'worker') || reason === 'out_of_scope' || reason === 'role_required';
  if (!worthIt) return;
  recordAudit(store, { ...actorOf(p, req), action: actionOf(req.path), targets: requestTargets(req), outcome: 'refused', reason, detail: null });
}
