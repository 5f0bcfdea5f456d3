/** Builds the coordinator's Express app (no listen), so tests and the server share one definition. */
import express, { type NextFunction, type Request, type Response } from 'express';
import { type ErrorBody } from '../../../../shared/api.ts';
import { authenticate, type Principal } from './auth.ts';
import { mountEndpoints, RouteHandlers } from './endpoint-routes.ts';
import { coordinatorRoutes } from './routes/coordinator.ts';
import type { CoordinatorContext } from '../context.ts';
import { defaultReason, HttpError } from './http-error.ts';
import { refusedToHttp } from './refusals.ts';
import type { RefusalReason } from '../../../../shared/refusals.ts';
import { Refused } from '../refused.ts';
import { plainHttpGuard } from './listener.ts';
import { joinAdminRoutes, joinRequestRoutes } from './routes/join.ts';
import { executeRoutes } from './routes/execute.ts';
import { fileRoutes } from './routes/files.ts';
import { jobControlRoutes, jobRoutes, jobRunRoutes } from './routes/jobs.ts';
import { logRoutes } from './routes/log.ts';
import { runResultRoutes, runRoutes } from './routes/runs.ts';
import { gradingRoutes } from './routes/grading.ts';
import { templateRoutes } from './routes/templates.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { policyRoutes, workerListRoutes, workerRoutes } from './routes/workers.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { powerRoutes } from './routes/power.ts';
import { noteWorkerSeen, workerIdForTokenHash } from '../workers/worker-queries.ts';
import { peopleRoutes } from './routes/people.ts';
import { sessionRoutes } from './routes/session.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { auditRoutes } from './routes/audit.ts';
import { audited, auditRefusal } from './audit-request.ts';
import { personForSession, personForTokenHash } from '../people/identity.ts';
import { PostgresError } from '../state/postgres/pg-bridge.ts';

export function createApp(ctx: CoordinatorContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(plainHttpGuard(ctx.settings.fingerprint !== null));

  const routes = RouteHandlers.merge([
    coordinatorRoutes(ctx),
    joinRequestRoutes(ctx),
    joinAdminRoutes(ctx),
    workerRoutes(ctx),
    workerListRoutes(ctx),
    policyRoutes(ctx),
    powerRoutes(ctx),
    jobRoutes(ctx),
    jobRunRoutes(ctx),
    jobControlRoutes(ctx),
    logRoutes(ctx),
    runRoutes(ctx),
    runResultRoutes(ctx),
    gradingRoutes(ctx),
    templateRoutes(ctx),
    scheduleRoutes(ctx),
    artifactRoutes(ctx),
    executeRoutes(ctx),
    fileRoutes(ctx),
    webhookRoutes(ctx),
    peopleRoutes(ctx),
    sessionRoutes(ctx),
    oidcRoutes(ctx),
    auditRoutes(ctx),
  ]);
  const auth = authenticate({
    enabled: ctx.settings.auth,
    tokens: ctx.settings.tokens,
    workerIdForTokenHash: (hash) => workerIdForTokenHash(ctx.store, hash),
    personForTokenHash: (hash) => personForTokenHash(ctx.store, hash),
    personForSession: (hash) => personForSession(ctx.store, hash, ctx.settings.sessions),
    limiter: ctx.limiter,
    onAuthenticated: (req) => ctx.guard.authenticated(req.socket),
  });
  // Any request a worker makes with its token is a sign of life (see worker-liveness.ts).
  const notePresence: express.RequestHandler = (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (principal?.role === 'worker') noteWorkerSeen(ctx.store, principal.workerId);
    next();
  };
  // Every route comes from the endpoint table: first what anyone may call (a PC with no token yet may
  // ask to join and collect the answer), then, behind authentication, the rest.
  // No token yet: what anyone may call sees an anonymous caller (or, with --no-auth, the seed's open admin).
  app.use((_req, res, next) => {
    res.locals.principal = ctx.settings.auth ? { role: 'anonymous' } : { role: 'open' };
    next();
  });
  mountEndpoints(
    app,
    routes,
    (who) => who === 'anyone',
    (_path, handler) => (req, res, next) => {
      res.locals.audit = false; // these rows record their own refusals (sign-in), or change nothing yet (a join request)
      return handler(req, res, next);
    },
  );
  app.use(['/api', '/uploads'], auth, notePresence);
  mountEndpoints(
    app,
    routes,
    (who) => who !== 'anyone',
    (path, handler) => audited(ctx.store, path, handler, (error) => ctx.logger.error('could not record a request in the audit log', { error: error.message })),
  );

  if (ctx.staticDir) app.use(dashboard(ctx.staticDir));

  app.use((req, _res, next) => next(new HttpError(404, `Not found: ${req.method} ${req.path.slice(0, 200)}`)));
  app.use(errorHandler(ctx));
  return app;
}

/** The dashboard's files, with a Content-Security-Policy that allows only this origin. */
function dashboard(dir: string): express.RequestHandler {
  const files = express.static(dir, { index: 'index.html', dotfiles: 'deny', fallthrough: true, etag: true });
  return (req, res, next) => {
    if (req.path.startsWith('/api/') || req.path.startsWith('/uploads/')) return next();
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    files(req, res, next);
  };
}

/** The one place errors become responses: `{error, statusCode, reason}`, never a stack trace. */
function errorHandler(ctx: CoordinatorContext) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, message, headers, reason } = describe(error, req);
    res.locals.refusalReason = reason;
    try {
      // The database is away: the audit row could not be written either (and would wait for it again).
      if (!(error instanceof PostgresError && error.unavailable)) auditRefusal(ctx.store, req, res, status, reason);
    } catch (auditError) {
      ctx.logger.error('could not record a refusal in the audit log', { error: (auditError as Error).message });
    }
    if (status >= 500) ctx.logger.error('request failed', { method: req.method, path: req.path, error: (error as Error)?.stack ?? String(error) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    ctx.guard.closeAfterRefusal(req, res, status);
    res
      .status(status)
      .type('application/json') // a handler may have set another type before it failed (the static files' 416)
      .set(headers)
      .json({ error: message, statusCode: status, reason } satisfies ErrorBody);
  };
}

function describe(thrown: unknown, req: Request): { status: number; message: string; headers: Record<string, string>; reason: RefusalReason } {
  const error = thrown instanceof Refused ? refusedToHttp(thrown) : thrown;
  const answer = describeStatus(error, req);
  return { ...answer, reason: error instanceof HttpError ? error.reason : (answer.reason ?? defaultReason(answer.status)) };
}

function describeStatus(error: unknown, req: Request): { status: number; message: string; headers: Record<string, string>; reason?: RefusalReason } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, headers: error.headers };
  const e = error as { type?: string; status?: number; statusCode?: number; expose?: boolean; message?: string; limit?: number };
  switch (e?.type) {
    case 'entity.too.large':
      return { status: 413, message: `The request body is larger than ${req.path} accepts (${e.limit} bytes).`, headers: {}, reason: 'body_too_large' };
    case 'entity.parse.failed':
      return { status: 400, message: `The request body is not valid JSON (${e.message}); send a JSON object.`, headers: {}, reason: 'invalid_json' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, message: `${e.message}; send UTF-8 JSON.`, headers: {} };
    case 'request.aborted':
      return { status: 400, message: 'The request was aborted before its body arrived.', headers: {} };
  }
  if (error instanceof PostgresError && error.unavailable) {
    return {
      status: 503,
      message: 'The coordinator cannot reach its database (PostgreSQL) now; try again in a moment, and check that the database server runs.',
      headers: { 'retry-after': '2' },
      reason: 'unavailable',
    };
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: e.expose && e.message ? e.message : 'The request was refused.', headers: {} };
  }
  return { status: 500, message: 'Internal error; the coordinator logged the details.', headers: {} };
}
