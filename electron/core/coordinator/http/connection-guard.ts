/**
 * Keeps one address from holding the coordinator's sockets: a cap on connections per address and a
 * lower one on connections that have not authenticated yet; a deadline for an unauthenticated
 * request to arrive whole, an idle limit for everyone else (an authenticated upload that keeps
 * sending may take as long as it needs); and after a refusal (401/403/409/413/429/507) the answer is sent,
 * a bounded amount of the rest of the body is read and dropped so the client can read the answer
 * (nginx's lingering close), then the connection is closed.
 */
import type { Socket } from 'node:net';
import type { Request, Response } from 'express';
import { DEFAULTS } from '../defaults.ts';

export interface GuardOptions {
  maxPerAddress?: number;
  maxUnauthenticatedPerAddress?: number;
  /** Unauthenticated connections from all addresses together (many addresses, one attacker). */
  maxUnauthenticated?: number;
  /** How long an unauthenticated request may take to arrive (headers and body). */
  unauthenticatedMs?: number;
  /** How long any connection may stay silent mid-request. */
  idleMs?: number;
  /** After a refusal: at most this much of the body is read and dropped, for at most `lingerMs`, giving up after `lingerIdleMs` of silence. */
  lingerBytes?: number;
  lingerMs?: number;
  lingerIdleMs?: number;
}

interface Entry {
  address: string;
  authenticated: boolean;
  /** The TCP socket (under TLS, requests see a TLSSocket on top of it). */
  raw: Socket;
}

// 409 and 507 answer an artifacts upload before its body is read.
const REFUSALS = new Set([401, 403, 409, 413, 429, 507]);

export class ConnectionGuard {
  readonly #o: Required<GuardOptions>;
  readonly #sockets = new Map<string, Entry>();
  readonly #perAddress = new Map<string, { all: number; unauthenticated: number }>();
  #unauthenticated = 0;

  constructor(options: GuardOptions = {}) {
    this.#o = {
      maxPerAddress: options.maxPerAddress ?? DEFAULTS.maxConnectionsPerAddress,
      maxUnauthenticatedPerAddress: options.maxUnauthenticatedPerAddress ?? DEFAULTS.maxUnauthenticatedPerAddress,
      maxUnauthenticated: options.maxUnauthenticated ?? 1024,
      unauthenticatedMs: options.unauthenticatedMs ?? 20_000,
      idleMs: options.idleMs ?? 60_000,
      // nginx's lingering_time and lingering_timeout, plus a byte cap: a refused 100 MB upload still gets to read its 413.
      lingerBytes: options.lingerBytes ?? 256 * 1024 * 1024,
      lingerMs: options.lingerMs ?? 30_000,
      lingerIdleMs: options.lingerIdleMs ?? 5000,
    };
  }

  /** Whether a new connection may stay; a refused one is destroyed at once. Call for every accepted socket. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const counts = this.#perAddress.get(address) ?? { all: 0, unauthenticated: 0 };
    const full = this.#unauthenticated >= this.#o.maxUnauthenticated;
    if (full || counts.all >= this.#o.maxPerAddress || counts.unauthenticated >= this.#o.maxUnauthenticatedPerAddress) {
      socket.destroy();
      return false;
    }
    const key = keyOf(socket);
    const entry: Entry = { address, authenticated: false, raw: socket };
    // One timer per connection, not per request: a connection that never shows a valid token in time goes.
    const deadline = setTimeout(() => {
      if (!entry.authenticated) socket.destroy();
    }, this.#o.unauthenticatedMs);
    deadline.unref();
    this.#sockets.set(key, entry);
    counts.all++;
    counts.unauthenticated++;
    this.#unauthenticated++;
    this.#perAddress.set(address, counts);
    socket.setTimeout(this.#o.idleMs, () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(deadline);
      this.#sockets.delete(key);
      const c = this.#perAddress.get(address);
      if (!c) return;
      c.all--;
      if (!entry.authenticated) {
        c.unauthenticated--;
        this.#unauthenticated--;
      }
      if (c.all <= 0) this.#perAddress.delete(address);
    });
    return true;
  }

  /** How long a connection may stay silent. */
  get idleMs(): number {
    return this.#o.idleMs;
  }

  /** A WebSocket or an event stream that may stay quiet for long: no idle limit on its connection. */
  keepOpen(socket: Socket): void {
    (this.#sockets.get(keyOf(socket))?.raw ?? socket).setTimeout(0);
  }

  /** A request on this connection proved a token: it no longer counts as unauthenticated. */
  authenticated(socket: Socket): void {
    const entry = this.#sockets.get(keyOf(socket));
    if (!entry || entry.authenticated) return;
    entry.authenticated = true;
    this.#unauthenticated--;
    const counts = this.#perAddress.get(entry.address);
    if (counts) counts.unauthenticated--;
  }

  /**
   * After a refusal (401/403/413/429): close the connection once the answer is out, having read and
   * dropped a bounded part of the rest of the body, so the client can read the answer (nginx's lingering close).
   */
  closeAfterRefusal(req: Request, res: Response, status: number): void {
    if (!REFUSALS.has(status)) return;
    res.setHeader('Connection', 'close');
    // Node's server ends a 'Connection: close' answer with destroySoon(), which destroys the socket as soon
    // as the answer is written: the client, still sending, gets a reset (EPIPE) instead of the answer.
    // Only half-close it here; linger() reads the rest and closes it.
    if (!req.complete) {
      const socket = req.socket as Socket & { destroySoon?: () => void };
      socket.destroySoon = () => void socket.end();
    }
    res.once('finish', () => {
      if (!req.complete) this.linger(req);
    });
  }

  private linger(req: Request): void {
    let read = 0;
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), this.#o.lingerMs);
    timer.unref();
    socket.setTimeout(this.#o.lingerIdleMs, () => socket.destroy());
    req.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > this.#o.lingerBytes) socket.destroy();
    });
    req.once('end', () => {
      clearTimeout(timer);
      socket.destroy();
    });
    socket.once('close', () => clearTimeout(timer));
    req.resume();
  }
}

function keyOf(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}
