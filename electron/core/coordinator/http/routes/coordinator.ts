/** About the coordinator itself: health (anyone), this API's document (anyone), what the dashboard shows, and the live feed's plain-GET answer. */
import { APP_VERSION } from '../../../../../shared/api.ts';
import type { CoordinatorContext } from '../../context.ts';
import { coordinatorInfo } from '../../info.ts';
import { HttpError } from '../http-error.ts';
import { openApiDocument } from '../openapi.ts';
import { personOf } from '../auth.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { queryString } from '../validate.ts';

export function coordinatorRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  // Unauthenticated: lets a worker or a browser check it reached a CMD Executor coordinator.
  routes.on('getHealth', (_req, res) => {
    res.json({ success: true, service: 'cmd-executor', version: APP_VERSION, auth: ctx.settings.auth });
  });
  routes.on('getOpenapiJson', (_req, res) => void res.json(openApiDocument()));
  // For the dashboard's login check, its fingerprint and its "Add a worker" dialog.
  routes.on('getCoordinatorInfo', (req, res) => {
    res.json(coordinatorInfo(ctx, req.socket.localPort ?? 0, personOf(res)?.role === 'admin'));
  });
  routes.on('getCoordinatorMetrics', (req, res) => {
    res.json({
      ...ctx.metrics.read(queryString(req.query.reset, 'reset') === 'true'),
      waitingWorkers: ctx.scheduler.waitingWorkers,
      store: ctx.store.db.engine,
      duties: ctx.duties?.running ?? false,
    });
  });
  // The live feed is a WebSocket (live/live.ts takes the upgrade); a plain GET is told so.
  routes.on('getWs', (_req, _res) => {
    throw new HttpError(
      400,
      'GET /api/ws is the live feed: open it as a WebSocket (subprotocols cmdx and cmdx-token.<token>, or cmdx alone with the session cookie).',
    );
  });
  return routes;
}
