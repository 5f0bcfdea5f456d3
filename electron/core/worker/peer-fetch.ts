/**
 * Opens a zip at a peer: TLS to the address the coordinator gave, the peer's certificate checked against the
 * fingerprint it gave before a byte of the request is sent, this worker's own certificate shown as the
 * client's (the ticket names it), the ticket in a header (never in the URL, never logged). The body comes
 * through a guard that ends it when the peer stalls or crawls.
 */
import { request, type IncomingMessage } from 'node:http';
import { connect, type TLSSocket } from 'node:tls';
import { pipeline, Transform, type Readable } from 'node:stream';
import { fingerprintOf } from '../fingerprint.ts';
import type { PeerIdentity } from './peer-identity.ts';
import type { PeerSource } from '../../../shared/api-schemas.ts';

export type { PeerSource };

export interface PeerFetchOptions {
  identity: PeerIdentity;
  /** TLS and the answer's head within this. */
  connectTimeoutMs: number;
  /** Fewer than `minBytes` in any such window ends the transfer. */
  stallMs: number;
  minBytes: number;
  signal?: AbortSignal;
}

/** Any reason not to take the zip from this peer: the caller falls back to the coordinator. */
export class PeerFailed extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PeerFailed';
  }
}

/** The zip's bytes from the peer; rejects when the peer cannot be reached, is not the pinned one, or refuses. */
export async function openFromPeer(source: PeerSource, o: PeerFetchOptions): Promise<Readable> {
  const url = new URL(source.url);
  if (url.protocol !== 'https:' || !/^\/blobs\/[0-9a-f]{64}$/.test(url.pathname)) throw new PeerFailed(`not a peer's zip address: ${url.protocol}`);
  const socket = await pinnedSocket(url, source.fingerprint, o);
  const res = await answerHead(socket, url, source.ticket, o);
  const length = Number(res.headers['content-length']);
  if (res.statusCode !== 200 || length !== source.size) {
    res.destroy();
    throw new PeerFailed(res.statusCode !== 200 ? `the peer answered ${res.statusCode}` : `the peer offers ${length} bytes, not ${source.size}`);
  }
  // Errors of either end the other (the socket is never left open behind a dead guard).
  return pipeline(res, progressGuard(o.stallMs, o.minBytes), () => {});
}

/** Sends the request on the pinned socket; resolves with the answer's head, within the connect deadline. */
function answerHead(socket: TLSSocket, url: URL, ticket: string, o: PeerFetchOptions): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({
      createConnection: () => socket,
      host: url.hostname,
      path: url.pathname,
      headers: { authorization: `Ticket ${ticket}` },
      signal: o.signal,
    });
    const timer = setTimeout(() => req.destroy(new PeerFailed(`no answer within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error instanceof PeerFailed ? error : new PeerFailed(error.message, { cause: error }));
    });
    req.end();
  });
}

/** A TLS connection whose peer showed exactly the certificate `fingerprint` names. */
function pinnedSocket(url: URL, fingerprint: string, o: PeerFetchOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port),
      cert: o.identity.certPem,
      key: o.identity.keyPem,
      rejectUnauthorized: false, // self-signed: the pin below is the check
      minVersion: 'TLSv1.3',
      timeout: o.connectTimeoutMs,
    });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error instanceof PeerFailed ? error : new PeerFailed(`cannot reach the peer (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    };
    socket.once('timeout', () => fail(new PeerFailed(`no TLS answer within ${o.connectTimeoutMs} ms`)));
    if (o.signal?.aborted) fail(new PeerFailed('cancelled'));
    o.signal?.addEventListener('abort', () => fail(new PeerFailed('cancelled')), { once: true });
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const presented = socket.getPeerCertificate(true)?.raw;
      if (!presented || fingerprintOf(presented) !== fingerprint)
        return fail(new PeerFailed('the peer presented another certificate than the coordinator named'));
      socket.setTimeout(0);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Passes bytes on; ends with an error when fewer than `minBytes` came within `windowMs` (a stalled or crawling peer). */
export function progressGuard(windowMs: number, minBytes: number): Transform {
  let recent = 0;
  const guard = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      recent += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      clearInterval(timer);
      done();
    },
    destroy(error, done) {
      clearInterval(timer);
      done(error);
    },
  });
  const timer = setInterval(() => {
    if (recent < minBytes) guard.destroy(new PeerFailed(`the peer sent ${recent} bytes in ${windowMs} ms`));
    recent = 0;
  }, windowMs);
  return guard;
}
