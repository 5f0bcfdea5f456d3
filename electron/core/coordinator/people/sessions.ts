/**
 * Dashboard sessions: a random value in an HttpOnly, Secure, SameSite=Strict cookie (kept as its SHA-256), an
 * anti-CSRF value every state change carries in a header, an idle limit and an absolute one. Signing in is audited
 * in the transaction that starts the session; a refused sign-in is audited too.
 */
import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE, type SessionDto } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import type { SessionRecord, UserRecord } from '../state/repositories/users.ts';
import { hashToken, OWNER, tokenMatches, type Person } from '../http/auth.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { AuditActor } from '../audit/audit-context.ts';
import { Refused } from '../refused.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SessionLimits } from './identity.ts';
import { verifyPassword } from './passwords.ts';

export interface StartedSession {
  /** The Set-Cookie header's value. */
  cookie: string;
  dto: SessionDto;
}

export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

/** The cookie that removes the session cookie. */
export const CLEARED_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

export function sessionDto(person: Person): SessionDto {
  return {
    user: { userId: person.userId, name: person.name, displayName: person.displayName, role: person.role, scope: person.scope },
    via: person.via,
    csrfToken: person.session?.csrf ?? null,
    expiresAt: person.session ? new Date(person.session.expiresAt).toISOString() : null,
  };
}

/** Starts a session for `user` (null: the owner's admin token), audited in the same transaction. */
export function startSession(store: Store, user: UserRecord | null, via: SessionRecord['via'], limits: SessionLimits, address: string | null): StartedSession {
  const value = randomBytes(32).toString('base64url');
  const now = store.now();
  const record: SessionRecord = {
    sessionHash: hashToken(value),
    userId: user?.userId ?? null,
    via,
    csrf: randomBytes(24).toString('base64url'),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + limits.maxMs,
  };
  const person: Person = user
    ? {
        role: user.role,
        userId: user.userId,
        name: user.name,
        displayName: user.displayName,
        scope: user.role === 'admin' ? null : user.scope,
        via: via === 'oidc' ? 'oidc' : 'password',
      }
    : OWNER;
  store.db.transaction(() => {
    store.users.insertSession(record);
    if (user) store.users.touch(user.userId, now);
    recordAudit(store, {
      actor: person.name,
      userId: person.userId,
      role: person.role,
      via,
      address,
      action: 'session.login',
      targets: user ? [`user:${user.userId}`] : [],
      outcome: 'ok',
      reason: null,
      detail: null,
    });
  });
  const withSession = { ...person, session: { hash: record.sessionHash, csrf: record.csrf, expiresAt: record.expiresAt } };
  return { cookie: sessionCookie(value, Math.floor(limits.maxMs / 1000)), dto: sessionDto(withSession) };
}

const WRONG = 'The name or password is wrong (or that person is disabled); check them, or ask an admin to reset your password.';

function refusedLogin(store: Store, who: AuditActor, reason: string): void {
  recordAudit(store, { ...who, action: 'session.login', targets: [], outcome: 'refused', reason, detail: null });
}

export interface LoginRequest {
  name?: string;
  password?: string;
  token?: string;
}

/** Signs in with a name and password, or with the admin token; slowed after wrong tries (login-throttle.ts). */
export async function login(
  store: Store,
  throttle: LoginThrottle,
  adminToken: string,
  body: LoginRequest,
  limits: SessionLimits,
  address: string,
): Promise<StartedSession> {
  const name = body.token !== undefined ? '(admin token)' : (body.name ?? '');
  const wait = throttle.retryAfter(name, address);
  const actor: AuditActor = { actor: name.slice(0, 64), userId: null, role: null, via: body.token !== undefined ? 'admin-token' : 'password', address };
  if (wait > 0) {
    refusedLogin(store, actor, 'rate_limited');
    throw new Refused('rate_limited', `Too many wrong sign-ins for ${name} from ${address}; try again in ${wait} s.`, { 'Retry-After': String(wait) });
  }
  if (body.token !== undefined) {
    if (!tokenMatches(body.token, adminToken)) {
      throttle.failed(name, address);
      refusedLogin(store, actor, 'invalid_credentials');
      throw new Refused(
        'invalid_credentials',
        'That is not the admin token of this coordinator; it is printed when the coordinator starts, and kept in tokens.json in its data folder.',
      );
    }
    throttle.succeeded(name, address);
    return startSession(store, null, 'admin-token', limits, address);
  }
  const user = store.users.byName(name);
  const right = await verifyPassword(body.password ?? '', user?.passwordHash ?? null);
  if (!user || !right || user.disabledAt !== null) {
    throttle.failed(name, address);
    refusedLogin(store, { ...actor, userId: user?.userId ?? null, role: user?.role ?? null }, 'invalid_credentials');
    throw new Refused('invalid_credentials', WRONG);
  }
  throttle.succeeded(name, address);
  return startSession(store, user, 'password', limits, address);
}

export function endSession(store: Store, person: Person): void {
  if (person.session) store.db.transaction(() => store.users.deleteSession(person.session!.hash));
}

/** A person changes their own password; their other sessions end. */
export async function changePassword(store: Store, person: Person, current: string, next: string, hash: (p: string) => Promise<string>): Promise<void> {
  const user = person.userId ? store.users.get(person.userId) : undefined;
  if (!user || !user.passwordHash)
    throw new Refused('forbidden', 'Only a person who signs in with a password can change it here (school accounts change theirs at the school).');
  if (!(await verifyPassword(current, user.passwordHash))) throw new Refused('invalid_credentials', 'The current password is wrong.');
  const passwordHash = await hash(next);
  store.db.transaction(() => {
    store.users.update({ ...user, passwordHash });
    store.users.deleteSessionsOf(user.userId, person.session?.hash);
  });
}
