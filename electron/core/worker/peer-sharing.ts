/**
 * Zips shared between workers: this worker's peer server and store, what its heartbeat says about them,
 * and fetching a job's zip from the peer the coordinator names (with its ticket), falling back to the
 * coordinator on any failure: the peer unreachable, another certificate, a refused ticket, a stall, a
 * short or wrong zip. Either way the zip lands in the store, checked against its SHA-256, before use.
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import { ticketKey } from '../peer-ticket.ts';
import type { CoordinatorClient, HeartbeatAnswer } from './coordinator-client.ts';
import { PeerFailed, openFromPeer, type PeerSource } from './peer-fetch.ts';
import { loadOrCreatePeerIdentity, type PeerIdentity } from './peer-identity.ts';
import { startPeerServer, type RunningPeerServer } from './peer-server.ts';
import { PeerStore } from './peer-store.ts';
import { withCampusFailover } from './download-failover.ts';

export interface PeerSharingOptions {
  workDir: string;
  /** 0: any free port. */
  port: number;
  client: CoordinatorClient;
  logger: Logger;
  workerId: () => string;
  /** A zip became whole here: the coordinator should hear it now, not at the next heartbeat. */
  onHolding: () => void;
  /** A peer's transfer bringing fewer than 64 KB in this long is given up (tests shorten it). */
  stallMs?: number;
}

export interface ZipRequest {
  fileUrl: string;
  sha256: string;
  jobId: string;
  what: string;
  maxBytes: number;
  signal: AbortSignal;
}

/** What one fetch did, for the log line and the counters. */
export interface Fetched {
  path: string;
  bytes: number;
  from: 'peer' | 'coordinator' | 'store';
  peer?: string;
  fellBack?: string;
}

const MIN_BYTES_PER_WINDOW = 64 * 1024;
const CONNECT_TIMEOUT_MS = 5_000;

export class PeerSharing {
  readonly #o: PeerSharingOptions;
  readonly #stallMs: number;
  #identity: PeerIdentity | undefined;
  #store: PeerStore | undefined;
  #server: RunningPeerServer | undefined;
  #key: KeyObject | undefined;
  /** The coordinator's clock minus ours, from the last heartbeat. */
  #offsetMs = 0;
  /** Zips received from peers, from the coordinator, falls back, and zips served to peers. */
  readonly counters = { fromPeers: 0, fromCoordinator: 0, fallbacks: 0, served: 0 };

  constructor(options: PeerSharingOptions) {
    this.#o = options;
    this.#stallMs = options.stallMs ?? 10_000;
  }

  /** Whether it serves, so that fetches may go through it. */
  get ready(): boolean {
    return this.#server !== undefined;
  }

  /** The certificate, the store and the server; never throws: a failure leaves this worker fetching from the coordinator only. */
  async start(): Promise<void> {
    try {
      await this.#start();
    } catch (error) {
      this.#o.logger.warn('cannot serve zips to peers; every zip comes from the coordinator', { error: (error as Error).message });
    }
  }

  async #start(): Promise<void> {
    const identity = loadOrCreatePeerIdentity(this.#o.workDir);
    const store = new PeerStore(this.#o.workDir);
    this.#server = await startPeerServer({
      identity,
      store,
      port: this.#o.port,
      logger: this.#o.logger,
      stallMs: this.#stallMs,
      ticketContext: () => (this.#key ? { key: this.#key, self: this.#o.workerId(), now: Date.now() + this.#offsetMs } : undefined),
      onServed: (sha, bytes) => {
        this.counters.served++;
        this.#o.logger.info('zip served to a peer', { sha256: sha.slice(0, 12), bytes });
      },
    });
    [this.#identity, this.#store] = [identity, store];
    this.#o.logger.info('serving zips to peers', { port: this.#server.port });
  }

  /** What the heartbeat says: where this worker serves and what it holds; undefined before start() is done. */
  describe(): { port: number; fingerprint: string; holds: string[] } | undefined {
    if (!this.#server || !this.#identity || !this.#store) return undefined;
    return { port: this.#server.port, fingerprint: this.#identity.fingerprint, holds: this.#store.holds().slice(0, 16) };
  }

  /** The key tickets are checked with, and the coordinator's clock (tickets expire by it). */
  onHeartbeatAnswer(answer: HeartbeatAnswer): void {
    if (answer.ticketKey) this.#key = ticketKey(answer.ticketKey) ?? this.#key;
    if (answer.timestamp) this.#offsetMs = answer.timestamp - Date.now();
  }

  /** The zip in this worker's store (whole, checked), from a peer or the coordinator; throws when neither gave it. */
  async fetch(request: ZipRequest): Promise<Fetched> {
    const store = this.#store;
    if (!store) throw new Error('peer sharing has not started');
    const held = await store.whole(request.sha256);
    if (held) return { path: held, bytes: 0, from: 'store' };
    const peer = await this.#peerFor(request);
    let fellBack: string | undefined;
    if (peer) {
      try {
        const path = await store.receive(request.sha256, peer.size, await this.#open(peer, request.signal), request.signal);
        this.counters.fromPeers++;
        this.#o.onHolding();
        return { path, bytes: peer.size, from: 'peer', peer: peer.workerId };
      } catch (error) {
        if (request.signal.aborted) throw error;
        this.counters.fallbacks++;
        fellBack = (error as Error).message;
        this.#o.logger.warn('could not get the zip from a peer; downloading it from the coordinator', {
          jobId: request.jobId,
          peer: peer.workerId,
          error: fellBack,
        });
      }
    }
    const { path, declared } = await withCampusFailover(this.#o.client, request.fileUrl, request.signal, async () => {
      const { stream, declared } = await this.#o.client.openDownload(request.fileUrl, request.maxBytes, request.signal, request.what);
      if (!Number.isSafeInteger(declared)) {
        stream.destroy();
        throw new Error(`The coordinator did not say how large the ${request.what} is.`);
      }
      return { path: await store.receive(request.sha256, declared, stream, request.signal), declared };
    });
    this.counters.fromCoordinator++;
    this.#o.onHolding();
    return { path, bytes: declared, from: 'coordinator', fellBack };
  }

  async stop(): Promise<void> {
    await this.#server?.close();
  }

  /** The peer the coordinator names, if any and if the zip fits; asking is best effort. */
  async #peerFor(request: ZipRequest): Promise<PeerSource | undefined> {
    try {
      const answer = await this.#o.client.zipSource(this.#o.workerId(), request.jobId, request.fileUrl);
      return answer.peer && answer.peer.size <= request.maxBytes ? answer.peer : undefined;
    } catch (error) {
      this.#o.logger.warn('could not ask the coordinator for a peer; downloading the zip from it', { jobId: request.jobId, error: (error as Error).message });
      return undefined;
    }
  }

  #open(peer: PeerSource, signal: AbortSignal) {
    return openFromPeer(peer, {
      identity: this.#identity!,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      stallMs: this.#stallMs,
      minBytes: MIN_BYTES_PER_WINDOW,
      signal,
    }).catch((error: Error) => {
      throw error instanceof PeerFailed ? error : new PeerFailed(error.message, { cause: error });
    });
  }
}

/** The agent's zips to and from other workers, unless --no-peers. */
export function peerSharingOf(options: WorkerAgentOptions, parts: Omit<PeerSharingOptions, 'workDir' | 'port'>): PeerSharing | undefined {
  return options.peers === false ? undefined : new PeerSharing({ ...parts, workDir: options.workDir, port: options.peerPort ?? 0 });
}
