/**
 * Sign-in with the school's accounts (OpenID Connect): a redirect to the provider, and its redirect back, which
 * becomes a session and a redirect to the dashboard. A refused sign-in goes back to the login page with a code
 * (`/#/login?error=no_role`, codes in people/oidc-refusal.ts) and an audit row.
 */
import type { Request, Response } from 'express';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { cookieValue } from '../auth.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { startSession, type StartedSession } from '../../people/sessions.ts';
import { OidcClient } from '../../people/oidc-client.ts';
import { clearedPendingCookie, PENDING_COOKIE, pendingCookie, PendingSignIns, type PendingSignIn } from '../../people/oidc-pending.ts';
import { OidcRefusal } from '../../people/oidc-refusal.ts';
import { OIDC_CALLBACK_PATH, type OidcSettings } from '../../people/oidc-settings.ts';
import { identityFrom, signInOidcUser, type OidcIdentity } from '../../people/oidc-users.ts';

/** The pending sign-in's cookie goes only to the start and the callback. */
const COOKIE_PATH = '/api/session/oidc';
const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export function oidcRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const settings = ctx.settings.oidc;
  if (!settings) {
    const off = () => {
      throw new HttpError(404, 'Sign-in with school accounts is not configured here; start the coordinator with --oidc-issuer and --oidc-client-id.');
    };
    routes.on('getSessionOidc', off);
    routes.on('getSessionOidcCallback', off);
    return routes;
  }
  const flow = new OidcFlow(ctx, settings);
  routes.on('getSessionOidc', (req, res) => flow.start(req, res));
  routes.on('getSessionOidcCallback', (req, res) => flow.callback(req, res));
  return routes;
}

class OidcFlow {
  readonly #ctx: CoordinatorContext;
  readonly #settings: OidcSettings;
  readonly #client: OidcClient;
  readonly #pending: PendingSignIns;

  constructor(ctx: CoordinatorContext, settings: OidcSettings) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#client = new OidcClient(settings);
    this.#pending = new PendingSignIns(() => ctx.store.now());
  }

  /** Sends the browser to the provider, with this sign-in's state remembered here and bound to the browser. */
  async start(req: Request, res: Response): Promise<void> {
    const request = OidcClient.newRequest(this.#settings.redirectUri ?? callbackUrlAsReached(req));
    const url = await this.#client.authorizationUrl(request).catch((error: unknown) => {
      if (error instanceof OidcRefusal) throw new HttpError(503, error.message, {}, 'unavailable');
      throw error;
    });
    const pending = this.#pending.add(request);
    res.set(NO_STORE).set('Set-Cookie', pendingCookie(pending.browser, COOKIE_PATH)).redirect(302, url.href);
  }

  /** The provider's redirect back: a session and the dashboard, or the login page with the refusal's code. */
  async callback(req: Request, res: Response): Promise<void> {
    const address = req.socket.remoteAddress ?? null;
    const seen: { identity?: OidcIdentity } = {};
    res.set(NO_STORE);
    try {
      const started = await this.#signIn(req, address, seen);
      res.set('Set-Cookie', [started.cookie, clearedPendingCookie(COOKIE_PATH)]).redirect(302, '/#/');
    } catch (error) {
      if (!(error instanceof OidcRefusal)) throw error;
      await this.#refused(error, seen.identity, address);
      res.set('Set-Cookie', clearedPendingCookie(COOKIE_PATH)).redirect(302, `/#/login?error=${error.code}`);
    }
  }

  async #signIn(req: Request, address: string | null, seen: { identity?: OidcIdentity }): Promise<StartedSession> {
    const pending = this.#take(req);
    const claims = await this.#client.claims(pending, callbackWithQuery(pending, req));
    seen.identity = identityFrom(claims, this.#settings.roleClaim);
    const { store } = this.#ctx;
    const user = signInOidcUser(store, this.#settings, seen.identity, address);
    const started = startSession(store, user, 'oidc', this.#ctx.settings.sessions, address);
    await this.#ctx.commit.durable();
    this.#ctx.guard.authenticated(req.socket);
    this.#ctx.logger.info('signed in with a school account', { userId: user.userId, name: user.name, role: user.role });
    return started;
  }

  /** The pending sign-in the callback's state names, if this browser started it; the provider's own refusal said plainly. */
  #take(req: Request): PendingSignIn {
    const { state, error } = req.query as Record<string, string | undefined>;
    const pending = typeof state === 'string' ? this.#pending.take(state, cookieValue(req.get('cookie'), PENDING_COOKIE)) : undefined;
    if (!pending)
      throw new OidcRefusal('state', 'The sign-in is unknown, older than 10 minutes, or was started in another browser (or its cookie was blocked).');
    if (error === 'access_denied') throw new OidcRefusal('denied', 'The sign-in was cancelled at the provider.');
    return pending;
  }

  async #refused(error: OidcRefusal, identity: OidcIdentity | undefined, address: string | null): Promise<void> {
    const { store, logger, commit } = this.#ctx;
    const user = identity && store.users.byOidcSubject(identity.subject);
    recordAudit(store, {
      actor: identity?.name ?? '(school account)',
      userId: user?.userId ?? null,
      role: user?.role ?? null,
      via: 'oidc',
      address,
      action: 'session.login',
      targets: user ? [`user:${user.userId}`] : [],
      outcome: 'refused',
      reason: error.code,
      detail: error.message.slice(0, 500),
    });
    await commit.durable();
    logger.warn('a sign-in with a school account was refused', { code: error.code, reason: error.message, address });
  }
}

/** This coordinator's callback as the browser reached it (the provider must have it registered, so a forged Host goes nowhere). */
function callbackUrlAsReached(req: Request): string {
  const host = req.get('host');
  try {
    if (!host) throw new TypeError('no Host header');
    return new URL(OIDC_CALLBACK_PATH, `${req.protocol}://${host}`).href;
  } catch {
    throw new HttpError(400, 'The request has no usable Host header, from which the coordinator builds its callback address; pass --oidc-redirect-uri.');
  }
}

/** The redirect URI the sign-in started with, carrying the query the provider sent back, exactly as it came. */
function callbackWithQuery(pending: PendingSignIn, req: Request): URL {
  const url = new URL(pending.redirectUri);
  const query = req.originalUrl.indexOf('?');
  url.search = query === -1 ? '' : req.originalUrl.slice(query);
  return url;
}
