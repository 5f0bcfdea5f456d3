/**
 * Who is calling. Bearer tokens: the admin token (the owner's break-glass: everything), the join token (only worker
 * registration), one token per worker (only that worker's own calls) and people's personal tokens; or a dashboard
 * session cookie, whose state changes must carry its anti-CSRF value. Tokens are compared as SHA-256 digests in
 * constant time; wrong tokens from one address are rate limited. What each caller may call is the endpoint table's
 * `who`, checked by authorize() before any handler runs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './http-error.ts';
import type { Tokens } from './tokens-file.ts';

export { loadOrCreateTokens, MIN_TOKEN_LENGTH, newToken, saveTokens, TOKENS_FILE, type Tokens } from './tokens-file.ts';
import type { Who } from '../../../../shared/endpoints/index.ts';
import { CSRF_HEADER, PERSON_ROLES, roleAtLeast, SESSION_COOKIE, type PersonRole, type Scope } from '../../../../shared/roles.ts';

/** How a person proved who they are: the admin token, a session (password or school account), a personal token. */
export type PersonVia = 'admin-token' | 'password' | 'oidc' | 'token';

export interface Person {
  role: PersonRole;
  /** Null for the owner's admin token. */
  userId: string | null;
  name: string;
  displayName: string | null;
  /** The rooms (worker tags) a teacher or assistant works in; null: every PC. */
  scope: Scope | null;
  via: PersonVia;
  /** A dashboard session: its digest (logout ends it) and its anti-CSRF value. */
  session?: { hash: string; csrf: string; expiresAt: number };
  tokenId?: string;
}

/** `anonymous`: no token yet (the rows anyone may call); `open`: --no-auth, where everyone is an admin as in the seed. */
export type Principal = { role: 'open' } | { role: 'anonymous' } | Person | { role: 'join' } | { role: 'worker'; workerId: string };

/** The owner's admin token as a person: an admin with no account, named so in the audit log. */
export const OWNER: Person = { role: 'admin', userId: null, name: 'owner (admin token)', displayName: null, scope: null, via: 'admin-token' };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameToken(presentedHash: Buffer, expected: string): boolean {
  return timingSafeEqual(presentedHash, createHash('sha256').update(expected).digest());
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string, expected: string): boolean {
  return sameToken(createHash('sha256').update(presented).digest(), expected);
}

export interface FailedAuthLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Counts wrong tokens per address. Past the limit the address gets 429 for wrong tokens for the rest
 * of the window; a valid token always works, so real workers and admins behind the same address (a
 * lab NAT, loopback) carry on. Guessing a 256-bit token is hopeless either way; the limit keeps a
 * guesser from costing us much.
 */
export class FailedAuthLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, { count: number; windowStart: number }>();

  constructor(options: FailedAuthLimiterOptions = {}) {
    this.#max = options.maxFailures ?? 20;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the address may try again, or 0 when it is not blocked. */
  retryAfter(ip: string): number {
    const entry = this.#failures.get(ip);
    if (!entry) return 0;
    const elapsed = this.#now() - entry.windowStart;
    if (elapsed >= this.#windowMs) {
      this.#failures.delete(ip);
      return 0;
    }
    return entry.count >= this.#max ? Math.ceil((this.#windowMs - elapsed) / 1000) : 0;
  }

  recordFailure(ip: string): void {
    const now = this.#now();
    const entry = this.#failures.get(ip);
    if (!entry || now - entry.windowStart >= this.#windowMs) {
      if (this.#failures.size > 100_000) this.#failures.clear(); // bound memory under a flood of addresses
      this.#failures.set(ip, { count: 1, windowStart: now });
    } else {
      entry.count++;
    }
  }
}

export interface AuthOptions {
  enabled: boolean;
  tokens: Tokens;
  workerIdForTokenHash: (hash: string) => string | undefined;
  /** A personal token's person, if the token is live; a sentence when it is known but no longer works. */
  personForTokenHash: (hash: string) => Person | string | undefined;
  /** A session's person, if the session is live (not expired, idle or of a disabled person). */
  personForSession: (hash: string) => Person | undefined;
  limiter: FailedAuthLimiter;
  /** A request proved a token (its connection is no longer an unauthenticated one). */
  onAuthenticated?: (req: Request) => void;
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const SESSION_VALUE = /^[A-Za-z0-9_-]{20,100}$/;
/** Methods that change nothing: no anti-CSRF value needed, no audit row. */
export const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The person a session cookie names, with its anti-CSRF value checked on every state change. */
function sessionPerson(options: AuthOptions, req: Request, res: Response): Person | undefined {
  const value = cookieValue(req.get('cookie'), SESSION_COOKIE);
  if (!value || !SESSION_VALUE.test(value)) return undefined;
  const person = options.personForSession(hashToken(value));
  if (!person) {
    throw new HttpError(401, 'Your session ended (signed out, idle too long, or your account was changed); sign in again.', {}, 'session_expired');
  }
  res.locals.principal = person; // a refusal below is recorded as this person's
  if (!READS.has(req.method)) {
    const presented = req.get(CSRF_HEADER) ?? '';
    if (!person.session || presented.length !== person.session.csrf.length || !timingSafeEqual(Buffer.from(presented), Buffer.from(person.session.csrf))) {
      throw new HttpError(
        403,
        `A change made with a session cookie needs its anti-CSRF value in the ${CSRF_HEADER} header (GET /api/session gives it).`,
        {},
        'csrf_failed',
      );
    }
  }
  return person;
}

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

/** Resolves the caller's role from `Authorization: Bearer <token>` into `res.locals.principal`. */
export function authenticate(options: AuthOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!options.enabled) {
      res.locals.principal = { role: 'open' } satisfies Principal;
      return next();
    }
    const header = req.get('authorization');
    if (!header) {
      const person = sessionPerson(options, req, res);
      if (person) {
        options.onAuthenticated?.(req);
        res.locals.principal = person;
        return next();
      }
    }
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) {
      throw new HttpError(
        401,
        header
          ? 'The Authorization header is malformed; send "Authorization: Bearer <token>".'
          : 'This coordinator requires a token: send "Authorization: Bearer <token>" (the admin token is printed when the coordinator starts).',
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    const digest = createHash('sha256').update(token).digest();
    const hash = digest.toString('hex');
    const principal = resolve(options, digest, hash);
    if (typeof principal === 'string') throw new HttpError(401, principal, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    if (!principal) {
      // Guesses are limited, never a valid token: a student's wrong guesses behind a shared NAT
      // address must not lock out a new worker or the admin's first login from that address.
      const retryAfter = options.limiter.retryAfter(ip);
      if (retryAfter > 0) throw new HttpError(429, `Too many wrong tokens from ${ip}; try again in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) });
      options.limiter.recordFailure(ip);
      throw new HttpError(401, 'The token is not valid for this coordinator; check the token you were given.', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    options.onAuthenticated?.(req);
    res.locals.principal = principal;
    next();
  };
}

function resolve(options: AuthOptions, digest: Buffer, hash: string): Principal | string | undefined {
  // Both comparisons always run, so timing does not tell which role a token was close to.
  const isAdmin = sameToken(digest, options.tokens.adminToken);
  const isJoin = sameToken(digest, options.tokens.joinToken);
  if (isAdmin) return OWNER;
  if (isJoin) return { role: 'join' };
  const workerId = options.workerIdForTokenHash(hash);
  if (workerId) return { role: 'worker', workerId };
  return options.personForTokenHash(hash);
}

export function principalOf(res: Response): Principal {
  return (res.locals.principal as Principal | undefined) ?? { role: 'anonymous' };
}

export function isPerson(p: Principal): p is Person {
  return (PERSON_ROLES as readonly string[]).includes(p.role);
}

/** The person calling, or null for a machine; with auth off (the seed's open mode), an admin. */
export function personOf(res: Response): Person | null {
  const p = principalOf(res);
  if (p.role === 'open') return { ...OWNER, name: 'open (no auth)' };
  return isPerson(p) ? p : null;
}

/** The rooms the caller is limited to; null: every PC (admins, workers, the open mode). */
export function scopeOf(res: Response): Scope | null {
  const person = personOf(res);
  return person && person.role !== 'admin' ? person.scope : null;
}

/** Whether a caller may call an endpoint whose row says `who`. */
export function allowed(who: Who, p: Principal): boolean {
  if (who === 'anyone' || p.role === 'open') return true;
  if (who === 'worker') return p.role === 'worker';
  if (who === 'worker or admin') return p.role === 'worker' || p.role === 'admin';
  if (who === 'join, admin or the worker itself') return p.role === 'join' || p.role === 'worker' || p.role === 'admin';
  return isPerson(p) && roleAtLeast(p.role, who);
}

const ROLE_NAMES: Record<PersonRole, string> = { admin: 'an admin', teacher: 'a teacher or an admin', assistant: 'a signed-in person' };

/** The endpoint table's `who`, enforced before any handler of the row runs. */
export function authorize(who: Who): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (allowed(who, p)) return next();
    if (isPerson(p)) {
      const needed = (PERSON_ROLES as readonly string[]).includes(who) ? ROLE_NAMES[who as PersonRole] : 'a worker or the admin token';
      throw new HttpError(403, `This needs ${needed}; ${p.name} is signed in as ${p.role}. Ask an admin if you need it.`, {}, 'role_required');
    }
    throw new HttpError(
      403,
      p.role === 'join'
        ? 'The join token can only register workers; this endpoint needs a person signed in (or the admin token).'
        : 'A worker token cannot do this; this endpoint needs a person signed in (or the admin token).',
    );
  };
}

/** Registration: the join token (new workers only), the admin token, or a worker's own token (itself only). */
export function requireRegistrar(res: Response, workerId: string): Principal {
  const p = principalOf(res);
  if (p.role === 'worker' && p.workerId !== workerId) throw new HttpError(403, `This token belongs to worker ${p.workerId}, not ${workerId}.`);
  return p;
}

/**
 * A worker's own calls: a worker token may only act as its own worker. Returns the worker id the call
 * is about (from the token when the request does not name one).
 */
export function requireWorker(res: Response, workerId: string | undefined): string | undefined {
  const p = principalOf(res);
  if (p.role === 'join') throw new HttpError(403, 'The join token can only register workers; use the worker token that register returned.');
  if (p.role === 'worker') {
    if (workerId !== undefined && workerId !== p.workerId) {
      throw new HttpError(403, `This token belongs to worker ${p.workerId}, not ${workerId}.`);
    }
    return p.workerId;
  }
  return workerId;
}
