/**
 * A worker's peer server over real TLS on loopback: a zip only to the client whose certificate the
 * coordinator's ticket names, for this peer and this zip, before it expires; nothing outside /blobs/<sha>;
 * and a receiver that meets another certificate than the pinned one sends nothing, not even its ticket.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createServer } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { jsonLogger } from '../../../electron/core/logger.ts';
import { TICKET_LIFETIME_MS, ticketKey, TicketSigner, type PeerTicket } from '../../../electron/core/peer-ticket.ts';
import { makePeerCertificate, type PeerCertificate } from '../../../electron/core/worker/peer-certificate.ts';
import { openFromPeer, type PeerSource } from '../../../electron/core/worker/peer-fetch.ts';
import { startPeerServer, type RunningPeerServer } from '../../../electron/core/worker/peer-server.ts';
import { PeerStore } from '../../../electron/core/worker/peer-store.ts';
import { tempDir } from '../../helpers/coordinator.ts';

const identity = (name: string) => makePeerCertificate(name, 1);

describe("a worker's peer server", () => {
  const dir = tempDir('cmdx-peer-server-');
  const signer = new TicketSigner();
  const zip = randomBytes(200_000);
  const sha = createHash('sha256').update(zip).digest('hex');
  const logs: any[] = [];
  let server: RunningPeerServer;
  let a: PeerCertificate, b: PeerCertificate, c: PeerCertificate;
  let keyGiven = true;

  const ticket = (changes: Partial<PeerTicket> = {}, by = signer) =>
    by.issue({
      sha256: sha,
      size: zip.length,
      jobId: 'job-1',
      from: 'pc-a',
      to: 'pc-b',
      toCert: b.fingerprint,
      exp: Date.now() + TICKET_LIFETIME_MS,
      ...changes,
    });
  const source = (changes: Partial<PeerSource> = {}): PeerSource => ({
    workerId: 'pc-a',
    url: `https://127.0.0.1:${server.port}/blobs/${sha}`,
    fingerprint: a.fingerprint,
    ticket: ticket(),
    size: zip.length,
    ...changes,
  });
  const fetchAs = async (client: PeerCertificate, changes: Partial<PeerSource> = {}) => {
    const stream = await openFromPeer(source(changes), { identity: client, connectTimeoutMs: 5000, stallMs: 5000, minBytes: 1 });
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return Buffer.concat(parts);
  };
  /** A raw request with B's certificate: the status and the body. */
  const raw = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, method, path, headers, cert: b.certPem, key: b.keyPem, rejectUnauthorized: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject).end();
    });

  before(async () => {
    [a, b, c] = [identity('a'), identity('b'), identity('c')];
    const store = new PeerStore(dir);
    await store.receive(sha, zip.length, Readable.from([zip]));
    server = await startPeerServer({
      identity: a,
      store,
      port: 0,
      host: '127.0.0.1',
      logger: jsonLogger((line) => logs.push(JSON.parse(line))),
      stallMs: 2000,
      ticketContext: () => (keyGiven ? { key: ticketKey(signer.publicKey)!, self: 'pc-a', now: Date.now() } : undefined),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the zip to the receiver its ticket names', async () => {
    assert.deepEqual(await fetchAs(b), zip);
  });

  it('refuses another worker showing that ticket, an expired one, one for another peer or zip, or not signed by the coordinator', async () => {
    await assert.rejects(fetchAs(c), /answered 403/);
    await assert.rejects(fetchAs(b, { ticket: ticket({ exp: Date.now() - 1 }) }), /answered 403/);
    await assert.rejects(fetchAs(b, { ticket: ticket({ from: 'pc-x' }) }), /answered 403/);
    await assert.rejects(fetchAs(b, { ticket: ticket({ sha256: 'e'.repeat(64) }) }), /answered 403/);
    await assert.rejects(fetchAs(b, { ticket: ticket({}, new TicketSigner()) }), /answered 403/);
    const reasons = logs.filter((l) => l.msg === 'refused a zip to a peer').map((l) => l.reason);
    assert.deepEqual(reasons, ['other_certificate', 'expired', 'other_peer', 'other_zip', 'bad_signature']);
    assert.ok(!JSON.stringify(logs).includes(ticket().split('.')[0]!.slice(0, 40)), 'no ticket in the log');
  });

  it('refuses a request without a ticket, without a client certificate, or before it has the key', async () => {
    assert.deepEqual(await raw('GET', `/blobs/${sha}`), { status: 403, body: 'no_ticket' });
    const bare = await new Promise<number>((resolve, reject) =>
      request(
        { host: '127.0.0.1', port: server.port, path: `/blobs/${sha}`, headers: { authorization: `Ticket ${ticket()}` }, rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      )
        .on('error', reject)
        .end(),
    );
    assert.equal(bare, 403);
    keyGiven = false;
    try {
      await assert.rejects(fetchAs(b), /answered 403/);
    } finally {
      keyGiven = true;
    }
  });

  it('serves nothing but /blobs/<sha256> by GET', async () => {
    const auth = { authorization: `Ticket ${ticket()}` };
    for (const path of [
      '/blobs/../peer/key.pem',
      '/blobs/%2e%2e%2fpeer%2fkey.pem',
      `/blobs/${sha}/x`,
      `/blobs/${sha}?x=1`,
      '/blobs/',
      '/',
      `/blobs/${sha.toUpperCase()}`,
    ])
      assert.equal((await raw('GET', path, auth)).status, 404, path);
    assert.equal((await raw('POST', `/blobs/${sha}`, auth)).status, 404);
  });

  it('sends nothing to a server showing another certificate than the pinned one, not even the ticket', async () => {
    let received = 0;
    const impostor = createServer({ cert: c.certPem, key: c.keyPem }, (socket) => socket.on('data', (d: Buffer) => (received += d.length)));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const port = (impostor.address() as AddressInfo).port;
      await assert.rejects(fetchAs(b, { url: `https://127.0.0.1:${port}/blobs/${sha}` }), /another certificate/);
      assert.equal(received, 0);
    } finally {
      impostor.close();
    }
  });
});
