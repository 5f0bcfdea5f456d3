/**
 * A TLS man in the middle for tests: it answers clients with its own self-signed certificate,
 * opens TLS to the real target without checking it, and relays bytes both ways while keeping
 * everything the client sent, decrypted. A client that pins the target's certificate must refuse
 * it, so `received()` staying empty proves no token went through.
 */
import { type AddressInfo, isIP, type Socket } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { createTestCertificate, type TestCertificate } from './certificate.ts';

export interface MitmProxyOptions {
  /** Where the proxy listens (e.g. 127.0.0.1, or a lab host's IP when run inside its namespace). */
  listenHost: string;
  /** Default 0: any free port. */
  listenPort?: number;
  targetHost: string;
  targetPort: number;
}

export interface MitmProxy {
  host: string;
  port: number;
  /** The certificate the proxy shows clients (not the target's). */
  certificate: TestCertificate;
  /** Every byte clients sent after their TLS handshake with the proxy, in clear, in arrival order. */
  received(): Buffer;
  /** TCP connections accepted, whether or not the client then finished its TLS handshake. */
  connectionCount(): number;
  close(): Promise<void>;
}

/** Starts the proxy; resolves once it listens. */
export async function startMitmProxy(options: MitmProxyOptions): Promise<MitmProxy> {
  const certificate = await createTestCertificate('CMD Executor test MITM proxy', ['localhost', options.listenHost]);
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (client: TLSSocket) => {
    track(client);
    const upstream = connect({
      host: options.targetHost,
      port: options.targetPort,
      rejectUnauthorized: false, // the point of a MITM: it trusts anyone
      ...(isIP(options.targetHost) ? {} : { servername: options.targetHost }),
    });
    track(upstream);
    client.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    client.pipe(upstream);
    upstream.pipe(client);
    // Errors cut both sides; a clean close lets the other side flush what it still holds.
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', destroyBoth).once('close', () => upstream.end());
    upstream.once('error', destroyBoth).once('close', () => client.end());
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    track(socket);
  });
  // A client that refuses the proxy's certificate aborts the handshake: expected, not a failure.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, options.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: options.listenHost,
    port,
    certificate,
    received: () => Buffer.concat(chunks),
    connectionCount: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
