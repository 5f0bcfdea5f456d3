/**
 * PCs asking to join without a join token, waiting for the admin: at most 1,000 at a time, each for
 * at most 24 h, and a few per address per minute. They live in memory: after a coordinator restart
 * a waiting PC simply asks again. An approved PC collects its worker token once, with the secret
 * whose hash it sent when it asked.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { pairingCode } from '../../../shared/pairing.ts';

export interface JoinRequestInput {
  workerId: string;
  hostname: string;
  os?: string | null;
  cpuCount?: number | null;
  version?: string | null;
  tags?: string[];
  /** SHA-256 (hex) of the secret the PC keeps; also its key in the pairing code. */
  key: string;
}

export interface JoinRequest extends JoinRequestInput {
  requestId: string;
  address: string;
  pairingCode: string;
  createdAt: number;
  state: 'pending' | 'approved' | 'refused';
  /** Set on approval, handed over once. */
  workerToken?: string | null;
}

export type AskOutcome = { ok: true; request: JoinRequest } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number } | { ok: false; reason: 'full' };

export const MAX_WAITING = 1000;
export const REQUEST_TTL_MS = 24 * 3600_000;
const PER_ADDRESS_PER_MINUTE = 10;

export class JoinRequests {
  readonly #fingerprint: string;
  readonly #now: () => number;
  readonly #requests = new Map<string, JoinRequest>();
  readonly #recentByAddress = new Map<string, number[]>();

  constructor(fingerprint: string, now: () => number = Date.now) {
    this.#fingerprint = fingerprint;
    this.#now = now;
  }

  async ask(input: JoinRequestInput, address: string): Promise<AskOutcome> {
    this.expire();
    const now = this.#now();
    const same = [...this.#requests.values()].find((r) => r.key === input.key && r.workerId === input.workerId && r.state === 'pending');
    if (same) return { ok: true, request: same }; // asking again (a restarted PC) is not a new request
    const recent = (this.#recentByAddress.get(address) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= PER_ADDRESS_PER_MINUTE) return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.ceil((recent[0]! + 60_000 - now) / 1000) };
    if (this.pending().length >= MAX_WAITING) return { ok: false, reason: 'full' };
    if (this.#recentByAddress.size > 10_000) this.#recentByAddress.clear(); // bound memory under a flood of addresses
    this.#recentByAddress.set(address, [...recent, now]);
    const request: JoinRequest = {
      ...input,
      requestId: `join-${now}-${randomBytes(6).toString('hex')}`,
      address,
      pairingCode: await pairingCode(this.#fingerprint, input.key),
      createdAt: now,
      state: 'pending',
    };
    this.#requests.set(request.requestId, request);
    return { ok: true, request };
  }

  pending(): JoinRequest[] {
    this.expire();
    return [...this.#requests.values()].filter((r) => r.state === 'pending');
  }

  get(requestId: string): JoinRequest | undefined {
    this.expire();
    return this.#requests.get(requestId);
  }

  /** The request, if `secret` is the one whose hash it was made with. */
  withSecret(requestId: string, secret: string): JoinRequest | undefined {
    const request = this.get(requestId);
    if (!request) return undefined;
    const presented = createHash('sha256').update(secret).digest();
    const expected = Buffer.from(request.key, 'hex');
    return expected.length === presented.length && timingSafeEqual(presented, expected) ? request : undefined;
  }

  approve(request: JoinRequest, workerToken: string | null): void {
    request.state = 'approved';
    request.workerToken = workerToken;
  }

  refuse(request: JoinRequest): void {
    request.state = 'refused';
  }

  /** Hands the approved token over once; the request is done. */
  collect(request: JoinRequest): void {
    this.#requests.delete(request.requestId);
  }

  private expire(): void {
    const cutoff = this.#now() - REQUEST_TTL_MS;
    for (const [id, request] of this.#requests) if (request.createdAt < cutoff) this.#requests.delete(id);
  }
}
