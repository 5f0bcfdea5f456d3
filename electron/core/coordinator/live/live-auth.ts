/**
 * Who opens the live feed, as HTTP resolves it: a token offered as the subprotocol `cmdx-token.<token>` (the admin
 * token or a personal token), or the dashboard's session cookie. A browser sends that cookie with a WebSocket from
 * any site, so a cookie counts only when the Origin is this coordinator's own (cross-site WebSocket hijacking).
 */
import type { IncomingMessage } from 'node:http';
import type { Scope } from '../../../../shared/roles.ts';
import { SESSION_COOKIE } from '../../../../shared/roles.ts';
import { TOKEN_PROTOCOL_PREFIX } from '../../../../shared/live.ts';
import { cookieValue, hashToken, tokenMatches, type Person } from '../http/auth.ts';
import type { CoordinatorContext } from '../context.ts';
import { personForSession, personForTokenHash } from '../people/identity.ts';

/** Someone the feed may serve: the rooms they see (null: every PC), and how to tell later that they still may. */
export interface Viewer {
  scope: Scope | null;
  /** Null while the way they came in cannot end (the admin token, no auth); undefined once it ended. */
  recheck: (() => Scope | null | undefined) | null;
}

export type ViewerOutcome = { ok: true; viewer: Viewer } | { ok: false; status: 401 | 403; message: string };

const refused = (status: 401 | 403, message: string): ViewerOutcome => ({ ok: false, status, message });

export function viewerOf(ctx: CoordinatorContext, req: IncomingMessage): ViewerOutcome {
  if (!ctx.settings.auth) return { ok: true, viewer: { scope: null, recheck: null } };
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const token = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
  if (token) return tokenViewer(ctx, req, token);
  const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (session) return sessionViewer(ctx, req, session);
  return refused(401, 'The live feed needs a signed-in session or a token (subprotocol cmdx-token.<token>)');
}

function tokenViewer(ctx: CoordinatorContext, req: IncomingMessage, token: string): ViewerOutcome {
  if (tokenMatches(token, ctx.settings.tokens.adminToken)) return { ok: true, viewer: { scope: null, recheck: null } };
  const hash = hashToken(token);
  const person = personForTokenHash(ctx.store, hash);
  if (typeof person === 'object') {
    const recheck = () => {
      const now = personForTokenHash(ctx.store, hash);
      return typeof now === 'object' ? scopeOf(now) : undefined;
    };
    return { ok: true, viewer: { scope: scopeOf(person), recheck } };
  }
  if (person === undefined) ctx.limiter.recordFailure(req.socket.remoteAddress ?? 'unknown');
  return refused(401, person ?? 'The token is not valid for this coordinator');
}

function sessionViewer(ctx: CoordinatorContext, req: IncomingMessage, session: string): ViewerOutcome {
  if (!sameOrigin(req)) return refused(403, 'A session opens the live feed only from the dashboard this coordinator serves (Origin)');
  const hash = hashToken(session);
  const person = personForSession(ctx.store, hash, ctx.settings.sessions);
  if (!person) return refused(401, 'Your session ended; sign in again');
  return { ok: true, viewer: { scope: scopeOf(person), recheck: () => sessionScope(ctx, hash) } };
}

/** The Origin a browser sent names the host and port the request came to. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host || !URL.canParse(origin)) return false;
  return new URL(origin).host.toLowerCase() === host.toLowerCase();
}

function scopeOf(person: Person): Scope | null {
  return person.role === 'admin' ? null : person.scope;
}

/**
 * A session still live, read without touching it: an open feed is not the person at the dashboard, so it must not
 * keep an idle session from ending (a lab PC left signed in).
 */
function sessionScope(ctx: CoordinatorContext, hash: string): Scope | null | undefined {
  const session = ctx.store.users.session(hash);
  const now = ctx.store.now();
  if (!session || session.expiresAt <= now || now - session.lastSeenAt > ctx.settings.sessions.idleMs) return undefined;
  if (session.userId === null) return null;
  const user = ctx.store.users.get(session.userId);
  if (!user || user.disabledAt !== null) return undefined;
  return user.role === 'admin' ? null : user.scope;
}
