/**
 * One port, two protocols: a connection whose first byte starts a TLS handshake (0x16) goes to the
 * HTTPS server, anything else to the plain HTTP server, which answers only loopback (plainHttpGuard).
 * So the seed's `curl http://localhost:3000/...` keeps working on the coordinator PC, and every
 * other PC talks TLS on the same address.
 */
import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { ConnectionGuard } from './connection-guard.ts';
import { HttpError } from './http-error.ts';

const TLS_HANDSHAKE = 0x16;
/** A connection that sends nothing for this long is closed before it is handed to either server. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

export interface Listener {
  /** What listens on the port. */
  front: NetServer | HttpServer;
  /** The servers that handle requests (for timeouts, upgrades and closing). */
  servers: (HttpServer | HttpsServer)[];
}

/** A plain HTTP server, or (with `tls`) the one-port TLS-and-plain pair. */
export function createListener(app: RequestListener, guard: ConnectionGuard, tls?: { cert: string; key: string }): Listener {
  const http = createHttpServer(app);
  if (!tls) {
    http.on('connection', (socket: Socket) => guard.admit(socket));
    return { front: http, servers: [http] };
  }
  const https = createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, app);
  const front = createNetServer((socket) => guard.admit(socket) && route(socket, http, https, guard.idleMs));
  // The inner servers never listen themselves; without 'listening' Node neither tracks their
  // connections (closeIdleConnections) nor enforces headersTimeout/requestTimeout on them.
  front.on('listening', () => [http, https].forEach((server) => server.emit('listening')));
  return { front, servers: [http, https] };
}

function route(socket: Socket, http: HttpServer, https: HttpsServer, idleMs: number): void {
  socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.once('data', (first: Buffer) => {
    socket.setTimeout(idleMs);
    socket.pause();
    socket.unshift(first);
    (first[0] === TLS_HANDSHAKE ? https : http).emit('connection', socket);
    process.nextTick(() => socket.resume());
  });
}

export function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/** Whether a request reached us without TLS from another PC (its tokens crossed the network in clear). */
export function plainFromLan(req: { socket: Socket }): boolean {
  return !('encrypted' in req.socket && req.socket.encrypted) && !isLoopback(req.socket.remoteAddress);
}

/**
 * With TLS on, plain HTTP is for this PC only: another PC's browser is sent to the https address of
 * the page it asked for; anything else gets a refusal, never the API.
 */
export function plainHttpGuard(tls: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!tls || !plainFromLan(req)) return next();
    res.set('Connection', 'close');
    const host = req.get('host');
    if ((req.method === 'GET' || req.method === 'HEAD') && host && !req.path.startsWith('/api/') && !req.path.startsWith('/uploads/')) {
      return res.redirect(301, `https://${host}${req.originalUrl}`);
    }
    throw new HttpError(
      403,
      `This coordinator accepts plain HTTP only from its own PC; connect with https://${host ?? '<address>'} and check the certificate fingerprint the dashboard shows.`,
    );
  };
}
