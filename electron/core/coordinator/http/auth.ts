/**
 * Tokens and roles. Three kinds of bearer token: the admin token (everything), the join token (only
 * worker registration) and one token per worker (only that worker's own calls). Tokens are compared as
 * SHA-256 digests in constant time; wrong tokens from one address are rate limited.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './http-error.ts';

export type Principal = { role: 'open' } | { role: 'admin' } | { role: 'join' } | { role: 'worker'; workerId: string };

export interface Tokens {
  adminToken: string;
  joinToken: string;
}

export const MIN_TOKEN_LENGTH = 16;
export const TOKENS_FILE = 'tokens.json';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(kind: 'admin' | 'join' | 'worker'): string {
  return `cmdx_${kind[0]}_${randomBytes(32).toString('base64url')}`;
}

function sameToken(presentedHash: Buffer, expected: string): boolean {
  return timingSafeEqual(presentedHash, createHash('sha256').update(expected).digest());
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string, expected: string): boolean {
  return sameToken(createHash('sha256').update(presented).digest(), expected);
}

/**
 * The admin and join tokens: given ones win, else those kept in `<dataDir>/tokens.json`, else new
 * random ones. The file (mode 0600) always holds the tokens in force, so a restart keeps them.
 */
export function loadOrCreateTokens(dataDir: string, given: Partial<Tokens> = {}): Tokens & { file: string } {
  const file = join(dataDir, TOKENS_FILE);
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && value.length < MIN_TOKEN_LENGTH) {
      throw new Error(
        `The ${name === 'adminToken' ? '--admin-token' : '--join-token'} is ${value.length} characters; use at least ${MIN_TOKEN_LENGTH} (or leave it out and a random one is generated).`,
      );
    }
  }
  let kept: Partial<Tokens> = {};
  if (existsSync(file)) {
    try {
      kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<Tokens>;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix it or delete it to generate new tokens.`, { cause: error });
    }
  }
  const tokens: Tokens = {
    adminToken: given.adminToken ?? validKept(kept.adminToken) ?? newToken('admin'),
    joinToken: given.joinToken ?? validKept(kept.joinToken) ?? newToken('join'),
  };
  if (tokens.adminToken === tokens.joinToken) {
    throw new Error('The admin token and the join token must differ: the join token is handed to every lab PC.');
  }
  if (tokens.adminToken !== kept.adminToken || tokens.joinToken !== kept.joinToken) {
    writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { ...tokens, file };
}

function validKept(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= MIN_TOKEN_LENGTH ? value : undefined;
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
  limiter: FailedAuthLimiter;
  /** A request proved a token (its connection is no longer an unauthenticated one). */
  onAuthenticated?: (req: Request) => void;
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

function resolve(options: AuthOptions, digest: Buffer, hash: string): Principal | undefined {
  // Both comparisons always run, so timing does not tell which role a token was close to.
  const isAdmin = sameToken(digest, options.tokens.adminToken);
  const isJoin = sameToken(digest, options.tokens.joinToken);
  if (isAdmin) return { role: 'admin' };
  if (isJoin) return { role: 'join' };
  const workerId = options.workerIdForTokenHash(hash);
  return workerId ? { role: 'worker', workerId } : undefined;
}

export function principalOf(res: Response): Principal {
  return (res.locals.principal as Principal | undefined) ?? { role: 'open' };
}

/** Admin-only endpoints (and everything when auth is off). */
export function requireAdmin(res: Response): void {
  const p = principalOf(res);
  if (p.role === 'admin' || p.role === 'open') return;
  throw new HttpError(
    403,
    p.role === 'join'
      ? 'The join token can only register workers; this endpoint needs the admin token.'
      : 'A worker token cannot do this; this endpoint needs the admin token.',
  );
}

/** Registration: the join token (new workers only), the admin token, or a worker's own token (itself only). */
export function requireRegistrar(res: Response, workerId: string): Principal {
  const p = principalOf(res);
  if (p.role === 'worker' && p.workerId !== workerId) throw new HttpError(403, `This token belongs to worker ${p.workerId}, not ${workerId}.`);
  return p;
}

/** Writes the tokens in force to `<dataDir>/tokens.json` (mode 0600), e.g. after a join token rotation. */
export function saveTokens(dataDir: string, tokens: Tokens): void {
  const file = join(dataDir, TOKENS_FILE);
  writeFileSync(file, JSON.stringify({ adminToken: tokens.adminToken, joinToken: tokens.joinToken }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
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
