/**
 * Sign-ins under way at the provider: PKCE verifier, nonce and redirect URI, kept here (never in the browser) by
 * their `state`, for 10 minutes at most, a bounded number of them. Each is bound to the browser that started it
 * by a random value in a short-lived cookie, so a callback URL carried to another browser signs nobody in.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const PENDING_COOKIE = 'cmdx_oidc';
export const PENDING_TTL_MS = 10 * 60_000;
/** Far more sign-ins than a school starts in 10 minutes; past it the oldest is dropped. */
const MAX_PENDING = 5000;

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** The value the browser's cookie holds. */
  browser: string;
  createdAt: number;
}

export class PendingSignIns {
  readonly #byState = new Map<string, PendingSignIn>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  add(fields: Omit<PendingSignIn, 'browser' | 'createdAt'>): PendingSignIn {
    this.#dropExpired();
    if (this.#byState.size >= MAX_PENDING) this.#byState.delete(this.#byState.keys().next().value!);
    const pending = { ...fields, browser: randomBytes(24).toString('base64url'), createdAt: this.#now() };
    this.#byState.set(pending.state, pending);
    return pending;
  }

  /** The sign-in `state` names, once, if it is young enough and `browser` (the cookie's value) started it. */
  take(state: string, browser: string | undefined): PendingSignIn | undefined {
    const pending = this.#byState.get(state);
    if (!pending || this.#expired(pending)) return undefined;
    // A wrong browser does not use the entry up: the right one may still come back with it.
    if (!browser || !sameText(browser, pending.browser)) return undefined;
    this.#byState.delete(state);
    return pending;
  }

  get size(): number {
    return this.#byState.size;
  }

  #expired(pending: PendingSignIn): boolean {
    return this.#now() - pending.createdAt > PENDING_TTL_MS;
  }

  /** Entries are in the order they were made, so the expired ones are at the front. */
  #dropExpired(): void {
    for (const pending of this.#byState.values()) {
      if (!this.#expired(pending)) return;
      this.#byState.delete(pending.state);
    }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The cookie that binds a sign-in to this browser: Lax, as the provider's redirect back is a cross-site navigation. */
export function pendingCookie(value: string, path: string): string {
  return `${PENDING_COOKIE}=${value}; Path=${path}; HttpOnly; Secure; SameSite=Lax; Max-Age=${PENDING_TTL_MS / 1000}`;
}

export function clearedPendingCookie(path: string): string {
  return `${PENDING_COOKIE}=; Path=${path}; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
}
