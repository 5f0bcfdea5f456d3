/** Who a personal token or a session cookie belongs to, checked on every request: expired, revoked, idle or disabled means no one. */
import type { Store } from '../state/store.ts';
import type { UserRecord } from '../state/repositories/users.ts';
import type { Person } from '../http/auth.ts';
import { OWNER } from '../http/auth.ts';

/** Writes of "last seen" at most this often per session or token: a busy dashboard does not write on every request. */
const TOUCH_EVERY_MS = 30_000;

function person(user: UserRecord, via: Person['via']): Person {
  return { role: user.role, userId: user.userId, name: user.name, displayName: user.displayName, scope: user.role === 'admin' ? null : user.scope, via };
}

/** A live personal token's person; a sentence for a token that exists but no longer works; undefined for an unknown one. */
export function personForTokenHash(store: Store, hash: string): Person | string | undefined {
  const token = store.users.tokenByHash(hash);
  if (!token) return undefined;
  const now = store.now();
  if (token.revokedAt !== null) return `This personal token (${token.name}) was revoked; make a new one on the dashboard and run cmdx login again.`;
  if (token.expiresAt <= now) return `This personal token (${token.name}) expired on ${new Date(token.expiresAt).toISOString().slice(0, 10)}; make a new one.`;
  const user = store.users.get(token.userId);
  if (!user || user.disabledAt !== null) return 'The person this token belongs to is disabled; ask an admin.';
  if (token.lastUsedAt === null || now - token.lastUsedAt > TOUCH_EVERY_MS) {
    store.users.tokenUsed(token.tokenId, now);
    store.users.touch(user.userId, now);
  }
  return { ...person(user, 'token'), tokenId: token.tokenId };
}

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

/** A live session's person: not past its end, not idle too long, its person not disabled. */
export function personForSession(store: Store, hash: string, limits: SessionLimits): Person | undefined {
  const session = store.users.session(hash);
  if (!session) return undefined;
  const now = store.now();
  if (session.expiresAt <= now || now - session.lastSeenAt > limits.idleMs) {
    store.users.deleteSession(hash);
    return undefined;
  }
  let who: Person;
  if (session.userId === null) who = OWNER;
  else {
    const user = store.users.get(session.userId);
    if (!user || user.disabledAt !== null) return undefined;
    who = person(user, session.via === 'oidc' ? 'oidc' : 'password');
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) store.users.touch(user.userId, now);
  }
  if (now - session.lastSeenAt > TOUCH_EVERY_MS) store.users.touchSession(hash, now);
  return { ...who, session: { hash, csrf: session.csrf, expiresAt: session.expiresAt } };
}
