/** Signing in and out: a name and password or the admin token (a session cookie and its anti-CSRF value), who is signed in, one's own password. */
import express from 'express';
import { changePasswordBody, loginBody } from '../../../../../shared/roles.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { parseBody } from '../validate.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { changePassword, CLEARED_COOKIE, endSession, login, sessionDto } from '../../people/sessions.ts';
import { hashPassword } from '../../people/passwords.ts';
import { caller } from './people.ts';

export function sessionRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '4kb' });
  const { store, settings } = ctx;

  routes.on('getSessionOptions', (_req, res) => {
    res.json({ auth: settings.auth, password: settings.auth, oidc: settings.oidc ? { label: settings.oidc.label } : null });
  });

  routes.on('postSessionLogin', json, async (req, res) => {
    if (!settings.auth) throw new HttpError(400, 'This coordinator runs without authentication (--no-auth); there is nothing to sign in to.');
    const body = parseBody(loginBody, req.body, [], 'Send {"name", "password"}, or {"token"} with the admin token.');
    const started = await login(store, ctx.loginThrottle, settings.tokens.adminToken, body, settings.sessions, req.socket.remoteAddress ?? 'unknown');
    await ctx.commit.durable();
    ctx.guard.authenticated(req.socket);
    res.set('Set-Cookie', started.cookie).set('Cache-Control', 'no-store').json(started.dto);
  });

  routes.on('getSession', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(sessionDto(caller(res)));
  });

  routes.on('postSessionLogout', async (_req, res) => {
    endSession(store, caller(res));
    await ctx.commit.durable();
    res.set('Set-Cookie', CLEARED_COOKIE).json({ success: true, message: 'Signed out.' });
  });

  routes.on('postSessionPassword', json, async (req, res) => {
    const body = parseBody(changePasswordBody, req.body, ['current', 'password'], 'current and password are required');
    await changePassword(store, caller(res), body.current, body.password, hashPassword);
    await ctx.commit.durable();
    res.json({ success: true, message: 'Password changed; your other sessions were signed out.' });
  });
  return routes;
}
