/**
 * The worker's peer server: GET /blobs/<sha256> over TLS, to a client that proves in the handshake the
 * certificate a coordinator's ticket names, and shows that ticket (for this worker, this zip, not expired).
 * Nothing else is served: no listing, no other path, no file outside the peer store.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { TLSSocket } from 'node:tls';
import type { KeyObject } from 'node:crypto';
import { fingerprintOf } from '../fingerprint.ts';
import type { Logger } from '../logger.ts';
import { checkTicket } from '../peer-ticket.ts';
import type { PeerIdentity } from './peer-identity.ts';
import type { PeerStore } from './peer-store.ts';

const BLOB_PATH = /^\/blobs\/([0-9a-f]{64})$/;
/** A peer may ask a moment before this worker has begun receiving the zip itself. */
const BEGIN_WAIT_MS = 5_000;

export interface PeerServerOptions {
  identity: PeerIdentity;
  store: PeerStore;
  port: number;
  host?: string;
  logger: Logger;
  /** What tickets are checked against now; undefined until the coordinator gave its key (then every ticket is refused). */
  ticketContext: () => { key: KeyObject; self: string; now: number } | undefined;
  /** Peers served at once; more are refused (they fetch from the coordinator). */
  maxUploads?: number;
  /** A relayed zip that brings no byte for this long is given up. */
  stallMs: number;
  onServed?: (sha: string, bytes: number) => void;
}

export interface RunningPeerServer {
  port: number;
  close(): Promise<void>;
}

export async function startPeerServer(o: PeerServerOptions): Promise<RunningPeerServer> {
  let active = 0;
  const maxUploads = o.maxUploads ?? 4;
  const server: Server = createServer(
    { cert: o.identity.certPem, key: o.identity.keyPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3', handshakeTimeout: 10_000 },
    (req, res) => {
      void serve(req, res).catch(() => res.destroy());
    },
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.maxConnections = 32;
  server.maxHeadersCount = 20;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sha = req.method === 'GET' ? BLOB_PATH.exec(req.url ?? '')?.[1] : undefined;
    if (!sha) return refuse(res, 404, 'not_found');
    const refusal = ticketRefusal(req, sha, o);
    if (refusal) {
      o.logger.warn('refused a zip to a peer', { reason: refusal, address: req.socket.remoteAddress });
      return refuse(res, 403, refusal);
    }
    if (active >= maxUploads) return refuse(res, 503, 'busy');
    active++;
    try {
      if (!(await o.store.waitFor(sha, BEGIN_WAIT_MS))) return refuse(res, 404, 'not_held');
      const opened = o.store.open(sha, o.stallMs);
      if (!opened) return refuse(res, 404, 'not_held');
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(opened.size) });
      await pipeline(opened.stream, res);
      o.onServed?.(sha, opened.size);
    } finally {
      active--;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Why the request may not have the zip `sha` (undefined: it may). */
function ticketRefusal(req: IncomingMessage, sha: string, o: PeerServerOptions): string | undefined {
  const context = o.ticketContext();
  if (!context) return 'no_ticket_key';
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Ticket ')) return 'no_ticket';
  const cert = (req.socket as TLSSocket).getPeerCertificate();
  if (!cert?.raw) return 'no_client_certificate';
  const check = checkTicket(header.slice('Ticket '.length), { ...context, sha256: sha, clientCert: fingerprintOf(cert.raw) });
  return check.ok ? undefined : check.reason;
}

/** A short machine word, nothing about what this worker holds. */
function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(reason);
}
