/** The audit log: pages and CSV for the admin, the chain's check, and one job's, run's or worker's history for whoever may see it. */
import { LIMITS } from '../../../../../shared/api.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { integerParam, queryString } from '../validate.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { auditCsv, auditPage } from '../../audit/audit-query.ts';
import { verifyAudit } from '../../audit/audit-verify.ts';
import { scopeOf } from '../auth.ts';
import { assertTargetVisible } from '../../people/scope-checks.ts';

function sinceParam(value: unknown): number | undefined {
  const text = queryString(value, 'since');
  if (!text) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new HttpError(400, `"since" must be an ISO date or time such as 2026-12-01 or 2026-12-01T08:00:00Z, not ${JSON.stringify(text.slice(0, 40))}.`);
  return at;
}

const TARGET = /^(job|run|worker|user|template|schedule|token|webhook|join-request):[A-Za-z0-9._@-]{1,120}$/;

export function auditRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const { store } = ctx;

  routes.on('getAudit', (req, res) => {
    const csv = queryString(req.query.format, 'format') === 'csv';
    const limit = integerParam(req.query.limit, 'limit', 1, csv ? 100_000 : LIMITS.maxPageSize, { clampMax: true }) ?? (csv ? 100_000 : 100);
    const target = queryString(req.query.target, 'target');
    if (target !== undefined && !TARGET.test(target)) throw new HttpError(400, 'target must be kind:id, such as job:job-123 or worker:pc-07.');
    const page = auditPage(store, {
      since: sinceParam(req.query.since),
      actor: queryString(req.query.actor, 'actor'),
      action: queryString(req.query.action, 'action'),
      target,
      before: integerParam(req.query.before, 'before', 1, Number.MAX_SAFE_INTEGER),
      limit,
    });
    if (csv) {
      res.set('Content-Disposition', `attachment; filename="audit ${new Date(store.now()).toISOString().slice(0, 10)}.csv"`).type('text/csv; charset=utf-8');
      res.send('\uFEFF' + auditCsv(page.entries));
      return;
    }
    res.json({ entries: page.entries, count: page.entries.length, nextBefore: page.nextBefore });
  });

  routes.on('getAuditVerify', (_req, res) => {
    res.json(verifyAudit(store));
  });

  routes.on('getAuditHistory', (req, res) => {
    const target = queryString(req.query.target, 'target');
    if (!target || !TARGET.test(target)) throw new HttpError(400, 'target is required, as job:ID, run:ID or worker:ID.');
    assertTargetVisible(store, target, scopeOf(res));
    const { entries } = auditPage(store, { target, limit: LIMITS.maxPageSize });
    res.json({ entries, count: entries.length });
  });
  return routes;
}
