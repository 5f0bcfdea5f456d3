/**
 * PCs asking to join without a join token, waiting for the admin: at most 1,000 at a time, each for
 * at most 24 h while its PC keeps asking for the answer, a few per address (an IPv6 /64) per minute and
 * a bounded rate for everyone. A flood cannot keep a real PC out: when the list is full, the request
 * whose PC stopped asking longest ago makes room. They live in memory: after a coordinator restart a
 * waiting PC simply asks again. An approved PC collects its worker token once, with the secret whose
 * hash it sent when it asked.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { pairingCode } from '../../../../shared/pairing.ts';

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
  /** When its PC last asked for the answer (or asked to join). */
  seenAt: number;
}

export type AskOutcome = { ok: true; request: JoinRequest } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number } | { ok: false; reason: 'full' };

/** Many asks in the last minute: the dashboard shows them as one line instead of a row each. */
export interface JoinFlood {
  requests: number;
  addresses: number;
  windowSeconds: number;
}

export const MAX_WAITING = 1000;
export const REQUEST_TTL_MS = 24 * 3600_000;
/** A waiting PC asks for its answer every 2 s: one silent this long has gone (or never was a PC). */
export const SILENT_DROP_MS = 2 * 60_000;
/** Silent this long, a request may make room for a newcomer when the list is full. */
const SILENT_EVICT_MS = 15_000;
const PER_ADDRESS_PER_MINUTE = 10;
/** Requests one address (an IPv6 /64) may have waiting: a flooder that keeps polling them cannot hold the list. */
export const MAX_WAITING_PER_ADDRESS = 50;
/** Everyone together: a burst of 100 (a lab switched on at once), then 2 a second. */
const GLOBAL_BURST = 100;
const GLOBAL_PER_SECOND = 2;
/** From this many asks a minute (accepted or not) the dashboard calls it a flood. */
const FLOOD_ASKS = 50;
const ASK_LOG_MAX = 20_000;

/** The rate limit's key: an IPv4 address, or the /64 of an IPv6 one (a single host is given a whole /64). */
export function addressGroup(address: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g || '0', 16) || 0).toString(16))
    .join(':')}::/64`;
}

export class JoinRequests {
  readonly #fingerprint: string;
  readonly #now: () => number;
  readonly #requests = new Map<string, JoinRequest>();
  readonly #recentByAddress = new Map<string, number[]>();
  /** Every ask of the last minute (time, address group), accepted or not: the flood summary. */
  #asks: { at: number; group: string }[] = [];
  #bucket = GLOBAL_BURST;
  #bucketAt: number;

  constructor(fingerprint: string, now: () => number = Date.now) {
    this.#fingerprint = fingerprint;
    this.#now = now;
    this.#bucketAt = now();
  }

  async ask(input: JoinRequestInput, address: string): Promise<AskOutcome> {
    this.expire();
    const now = this.#now();
    const group = addressGroup(address);
    this.#noteAsk(now, group);
    const same = [...this.#requests.values()].find((r) => r.key === input.key && r.workerId === input.workerId && r.state === 'pending');
    if (same) {
      same.seenAt = now;
      return { ok: true, request: same }; // asking again (a restarted PC) is not a new request
    }
    const recent = (this.#recentByAddress.get(group) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= PER_ADDRESS_PER_MINUTE) return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.ceil((recent[0]! + 60_000 - now) / 1000) };
    if (this.#recentByAddress.size > 10_000) this.#recentByAddress.clear(); // bound memory under a flood of addresses
    // Every ask counts against its address, the ones the global rate turns away too: racing for the bucket costs a flooder its own rate.
    this.#recentByAddress.set(group, [...recent, now]);
    this.#refill(now);
    if (this.#bucket < 1) return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.ceil((1 - this.#bucket) / GLOBAL_PER_SECOND) };
    const waiting = this.pending();
    if (waiting.filter((r) => addressGroup(r.address) === group).length >= MAX_WAITING_PER_ADDRESS)
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: 60 };
    if (waiting.length >= MAX_WAITING && !this.#evictSilent(now) && !this.#evictFromLargestGroup(waiting, group)) return { ok: false, reason: 'full' };
    this.#bucket -= 1;
    const request: JoinRequest = {
      ...input,
      requestId: `join-${now}-${randomBytes(6).toString('hex')}`,
      address,
      pairingCode: await pairingCode(this.#fingerprint, input.key),
      createdAt: now,
      seenAt: now,
      state: 'pending',
    };
    this.#requests.set(request.requestId, request);
    return { ok: true, request };
  }

  /** The last minute's asks when they look like a flood, else null. */
  flood(): JoinFlood | null {
    const since = this.#now() - 60_000;
    const recent = this.#asks.filter((a) => a.at > since);
    if (recent.length < FLOOD_ASKS) return null;
    return { requests: recent.length, addresses: new Set(recent.map((a) => a.group)).size, windowSeconds: 60 };
  }

  /** Whether the request's PC asks for its answer (a real PC does every 2 s; a flood's requests never do). */
  isActive(request: JoinRequest): boolean {
    return request.seenAt > request.createdAt && request.seenAt > this.#now() - SILENT_EVICT_MS;
  }

  #noteAsk(now: number, group: string): void {
    if (this.#asks.length >= ASK_LOG_MAX || (this.#asks[0] && this.#asks[0].at <= now - 60_000))
      this.#asks = this.#asks.filter((a) => a.at > now - 60_000).slice(-ASK_LOG_MAX + 1);
    this.#asks.push({ at: now, group });
  }

  #refill(now: number): void {
    this.#bucket = Math.min(GLOBAL_BURST, this.#bucket + ((now - this.#bucketAt) / 1000) * GLOBAL_PER_SECOND);
    this.#bucketAt = now;
  }

  /**
   * Makes room by dropping the oldest request of the address with the most waiting, when it has more than
   * the newcomer's address: many requests from few addresses (a flood that keeps polling) give way to a PC
   * asking on its own.
   */
  #evictFromLargestGroup(waiting: JoinRequest[], newcomer: string): boolean {
    const byGroup = new Map<string, JoinRequest[]>();
    for (const r of waiting) {
      const group = addressGroup(r.address);
      const list = byGroup.get(group);
      if (list) list.push(r);
      else byGroup.set(group, [r]);
    }
    let largest: JoinRequest[] = [];
    for (const requests of byGroup.values()) if (requests.length > largest.length) largest = requests;
    if (largest.length <= (byGroup.get(newcomer)?.length ?? 0) + 1) return false;
    const oldest = largest.reduce((a, b) => (a.seenAt <= b.seenAt ? a : b));
    this.#requests.delete(oldest.requestId);
    return true;
  }

  /** Drops the waiting request whose PC has been silent longest, if one has been silent a while. */
  #evictSilent(now: number): boolean {
    let oldest: JoinRequest | undefined;
    for (const r of this.#requests.values())
      if (r.state === 'pending' && r.seenAt <= now - SILENT_EVICT_MS && (!oldest || r.seenAt < oldest.seenAt)) oldest = r;
    if (oldest) this.#requests.delete(oldest.requestId);
    return oldest !== undefined;
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
    if (!(expected.length === presented.length && timingSafeEqual(presented, expected))) return undefined;
    request.seenAt = this.#now(); // its PC is still there
    return request;
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

  /** Gone: a day old, or a waiting PC that stopped asking for its answer (an approved one keeps its day to collect). */
  private expire(): void {
    const now = this.#now();
    for (const [id, r] of this.#requests)
      if (r.createdAt < now - REQUEST_TTL_MS || (r.state === 'pending' && r.seenAt < now - SILENT_DROP_MS)) this.#requests.delete(id);
  }
}
