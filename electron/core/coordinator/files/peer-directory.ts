/**
 * Which workers serve zips to their peers (where, with which certificate) and which zips each holds whole or
 * is fetching now. Kept in memory: a restarted coordinator hears it again from the next heartbeats.
 *
 * The choice makes a chain: a worker's uplink serves one receiver at full speed, and a worker still
 * fetching relays what it has so far, so ten PCs behind 100 Mbit/s links receive a zip in about the
 * time of one transfer instead of ten.
 */

export interface PeerServer {
  port: number;
  fingerprint: string;
  /** SHA-256 of the zips it holds whole now. */
  holds: string[];
}

export interface PeerEndpoint {
  address: string;
  port: number;
  fingerprint: string;
  seenAt: number;
}

interface Holding {
  since: number;
  complete: boolean;
  /** Where it fetches from: a worker, or null for the coordinator. */
  parent: string | null;
  /** How long a fetch of this zip may reasonably take; an older one in progress is forgotten. */
  expectMs: number;
}

export type SourceChoice = { kind: 'coordinator' } | { kind: 'peer'; workerId: string; endpoint: PeerEndpoint };

/** Receivers one peer serves at once: a second would halve the first one's speed. */
const MAX_CHILDREN = 1;
/** Transfers of one zip straight from the coordinator at once, when peers can take over. */
const COORDINATOR_STREAMS = 1;
/** A fetch is given 1 MB/s and a minute before it is taken for dead. */
const expectMs = (size: number) => 60_000 + size / 1000;
/** Zips a worker is said to hold, at most (its heartbeat is bounded alike). */
const MAX_HOLDINGS_PER_WORKER = 32;

export interface PeerDirectoryOptions {
  now: () => number;
  /** Whether the coordinator counts the worker online (not gone, not forgotten). */
  online: (workerId: string) => boolean;
  /** A peer whose last heartbeat is older is not handed out. */
  staleAfterMs: number;
}

export class PeerDirectory {
  readonly #o: PeerDirectoryOptions;
  readonly #endpoints = new Map<string, PeerEndpoint>();
  /** SHA-256 → worker → its holding. */
  readonly #holdings = new Map<string, Map<string, Holding>>();

  constructor(options: PeerDirectoryOptions) {
    this.#o = options;
  }

  /** A heartbeat from `address`: where the worker serves and what it holds; no `peer`: it serves nothing. */
  seen(workerId: string, address: string | undefined, peer: PeerServer | undefined, restarted = false): void {
    // A new process holds nothing it was fetching before, and what it serves is in `holds`.
    if (!peer || !address || restarted) this.forget(workerId);
    if (!peer || !address) return;
    this.#endpoints.set(workerId, { address, port: peer.port, fingerprint: peer.fingerprint, seenAt: this.#o.now() });
    const holds = new Set(peer.holds);
    for (const [sha, holders] of this.#holdings) {
      const h = holders.get(workerId);
      if (h && holds.has(sha)) h.complete = true;
      // Whole before but no longer reported: trimmed from its store.
      else if (h?.complete || (h && this.#stale(h))) this.#drop(sha, workerId);
    }
    for (const sha of holds) if (!this.#holdings.get(sha)?.has(workerId)) this.#hold(sha, workerId, { complete: true, parent: null, expectMs: 0 });
  }

  /** The worker went away or stopped serving. */
  forget(workerId: string): void {
    this.#endpoints.delete(workerId);
    for (const sha of [...this.#holdings.keys()]) this.#drop(sha, workerId);
  }

  /** The certificate a worker presents as a client (the one it serves with); undefined when it serves nothing. */
  fingerprintOf(workerId: string): string | undefined {
    return this.#endpoints.get(workerId)?.fingerprint;
  }

  /** Where `requester` should fetch the zip `sha` (`size` bytes) from. */
  choose(sha: string, requester: string): SourceChoice {
    const holders = [...(this.#holdings.get(sha) ?? new Map<string, Holding>())].filter(([id, h]) => id !== requester && !this.#stale(h));
    const candidates = holders
      .map(([id, h]) => ({ id, h, endpoint: this.#usable(id), children: this.#children(sha, id) }))
      .filter((c): c is typeof c & { endpoint: PeerEndpoint } => c.endpoint !== undefined);
    // A free peer holding it whole, then a free one still fetching (the tail of the chain).
    const free = candidates.filter((c) => c.children < MAX_CHILDREN).sort((a, b) => Number(b.h.complete) - Number(a.h.complete));
    const pick = free[0] ?? (this.#children(sha, null) < COORDINATOR_STREAMS ? undefined : candidates.sort((a, b) => a.children - b.children)[0]);
    return pick ? { kind: 'peer', workerId: pick.id, endpoint: pick.endpoint } : { kind: 'coordinator' };
  }

  /** `requester` starts fetching `sha` from `parent` (null: the coordinator); it may serve what it has to the next one. */
  started(sha: string, requester: string, parent: string | null, size: number): void {
    this.#hold(sha, requester, { complete: false, parent, expectMs: expectMs(size) });
  }

  #hold(sha: string, workerId: string, holding: Omit<Holding, 'since'>): void {
    let holders = this.#holdings.get(sha);
    if (!holders) this.#holdings.set(sha, (holders = new Map<string, Holding>()));
    holders.set(workerId, { ...holding, since: this.#o.now() });
    this.#bound(workerId, sha);
  }

  /** Forgets the oldest holdings of a worker past the bound (a flood of tickets cannot grow the map); `newest` stays. */
  #bound(workerId: string, newest: string): void {
    const mine = [...this.#holdings].flatMap(([sha, holders]) => (holders.has(workerId) ? [{ sha, since: holders.get(workerId)!.since }] : []));
    mine.sort((a, b) => Number(b.sha === newest) - Number(a.sha === newest) || b.since - a.since);
    for (const old of mine.slice(MAX_HOLDINGS_PER_WORKER)) this.#drop(old.sha, workerId);
  }

  #drop(sha: string, workerId: string): void {
    const holders = this.#holdings.get(sha);
    holders?.delete(workerId);
    if (holders?.size === 0) this.#holdings.delete(sha);
  }

  #stale(h: Holding): boolean {
    return !h.complete && this.#o.now() - h.since > h.expectMs;
  }

  /** Receivers of `sha` still fetching from `parent` (null: the coordinator). */
  #children(sha: string, parent: string | null): number {
    let count = 0;
    for (const h of this.#holdings.get(sha)?.values() ?? []) if (h.parent === parent && !h.complete && !this.#stale(h)) count++;
    return count;
  }

  /** Its endpoint, if it is online and heard from lately. */
  #usable(workerId: string): PeerEndpoint | undefined {
    const endpoint = this.#endpoints.get(workerId);
    if (!endpoint || this.#o.now() - endpoint.seenAt > this.#o.staleAfterMs || !this.#o.online(workerId)) return undefined;
    return endpoint;
  }
}
