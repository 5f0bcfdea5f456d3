/**
 * Wrong passwords slow down, never lock out. Past five failures within 15 minutes, an address, and a name tried from
 * that address, must wait before the next try (1 s, doubling to 5 min); the wait is checked before the password is,
 * so a waiting guess costs nothing and tells nothing. A name's failures from everywhere (a whole room guessing) slow
 * it only after twenty, at most 30 s, and never from an address where that person signed in before: the real user
 * at their own PC signs in whatever others try. Kept in memory, bounded.
 */
const WINDOW_MS = 15 * 60_000;
const FREE_TRIES = 5;
const MAX_WAIT_MS = 5 * 60_000;
const NAME_FREE_TRIES = 20;
const NAME_MAX_WAIT_MS = 30_000;
const MAX_KEYS = 100_000;
const KNOWN_PER_NAME = 20;

interface Failures {
  count: number;
  first: number;
  last: number;
}

export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  /** Addresses each name signed in from (the real user's PCs). */
  readonly #known = new Map<string, string[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Seconds to wait before `name` may be tried from `address`; 0: go ahead. */
  retryAfter(name: string, address: string): number {
    const key = name.toLowerCase();
    const waits = [this.#wait(`addr ${address}`, FREE_TRIES, MAX_WAIT_MS), this.#wait(`pair ${key} ${address}`, FREE_TRIES, MAX_WAIT_MS)];
    if (!this.#known.get(key)?.includes(address)) waits.push(this.#wait(`name ${key}`, NAME_FREE_TRIES, NAME_MAX_WAIT_MS));
    return Math.ceil(Math.max(...waits) / 1000);
  }

  failed(name: string, address: string): void {
    const key = name.toLowerCase();
    if (this.#failures.size > MAX_KEYS) this.#failures.clear();
    for (const k of [`addr ${address}`, `pair ${key} ${address}`, `name ${key}`]) this.#count(k);
  }

  /** A right password: that pair starts afresh, and the address is one of this person's own. */
  succeeded(name: string, address: string): void {
    const key = name.toLowerCase();
    this.#failures.delete(`pair ${key} ${address}`);
    const known = this.#known.get(key) ?? [];
    if (!known.includes(address)) {
      known.push(address);
      if (known.length > KNOWN_PER_NAME) known.shift();
    }
    if (this.#known.size > MAX_KEYS) this.#known.clear();
    this.#known.set(key, known);
  }

  #count(key: string): void {
    const now = this.#now();
    const entry = this.#failures.get(key);
    if (!entry || now - entry.first > WINDOW_MS) this.#failures.set(key, { count: 1, first: now, last: now });
    else {
      entry.count++;
      entry.last = now;
    }
  }

  #wait(key: string, free: number, max: number): number {
    const entry = this.#failures.get(key);
    if (!entry) return 0;
    const now = this.#now();
    if (now - entry.first > WINDOW_MS) {
      this.#failures.delete(key);
      return 0;
    }
    if (entry.count < free) return 0;
    const wait = Math.min(1000 * 2 ** (entry.count - free), max);
    return Math.max(0, entry.last + wait - now);
  }
}
