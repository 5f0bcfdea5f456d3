/** Sign-in with the school's accounts (OpenID Connect). */
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { RouteHandlers } from '../endpoint-routes.ts';

export function oidcRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const notConfigured = () => {
    if (!ctx.settings.oidc)
      throw new HttpError(404, 'Sign-in with school accounts is not configured here; start the coordinator with --oidc-issuer and --oidc-client-id.');
    throw new HttpError(501, 'OpenID Connect sign-in is being built.');
  };
  routes.on('getSessionOidc', notConfigured);
  routes.on('getSessionOidcCallback', notConfigured);
  return routes;
}
