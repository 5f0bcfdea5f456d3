/**
 * Peer sharing against a real coordinator on loopback: a zip goes from the coordinator to one worker and on
 * from worker to worker; a peer that serves wrong bytes, shows another certificate, cannot be reached,
 * stalls, or refuses the ticket leaves the receiver with the right zip from the coordinator all the same.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../electron/core/logger.ts';
import { TicketSigner } from '../../../electron/core/peer-ticket.ts';
import { makePeerCertificate, type PeerCertificate } from '../../../electron/core/worker/peer-certificate.ts';
import { CoordinatorClient } from '../../../electron/core/worker/coordinator-client.ts';
import { PeerSharing, type Fetched } from '../../../electron/core/worker/peer-sharing.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { buildZip, uploadForm } from '../../helpers/zip.ts';

interface Pc {
  id: string;
  client: CoordinatorClient;
  sharing: PeerSharing;
  beat(): Promise<void>;
}

describe('peer sharing with a real coordinator', () => {
  let c: TestCoordinator;
  const dirs: string[] = [];
  const servers: Server[] = [];
  const pcs: Record<string, Pc> = {};

  async function startPc(id: string): Promise<Pc> {
    const workDir = tempDir('cmdx-peer-pc-');
    dirs.push(workDir);
    const client = new CoordinatorClient({ server: c.url });
    client.token = await c.register(id);
    // Beats one after another: awaiting one awaits those before it (a zip made whole beats on its own).
    let beats = Promise.resolve();
    const beatOnce = async () => pc.sharing.onHeartbeatAnswer(await client.heartbeat({ workerId: id, peer: pc.sharing.describe() }));
    const pc: Pc = { id, client, sharing: undefined!, beat: () => (beats = beats.then(beatOnce)) };
    pc.sharing = new PeerSharing({ workDir, port: 0, client, logger: silentLogger, workerId: () => id, onHolding: () => void pc.beat(), stallMs: 500 });
    await pc.sharing.start();
    await pc.beat();
    return (pcs[id] = pc);
  }

  /** A run of a new zip on `ids`; each takes its job. */
  async function broadcast(ids: string[]): Promise<{ zip: Buffer; jobs: Record<string, { jobId: string; fileUrl: string; fileSha256: string }> }> {
    const zip = await buildZip([{ name: 'data.bin', content: randomBytes(256 * 1024) }]);
    const form = uploadForm(zip, { mode: 'each', commands: 'true', target: JSON.stringify({ workers: ids }) });
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    assert.equal(res.status, 200, await res.clone().text());
    const jobs: Record<string, any> = {};
    for (const id of ids) jobs[id] = (await pcs[id]!.client.getJob(id, 0)).job;
    return { zip, jobs };
  }

  const fetchAs = (id: string, job: { jobId: string; fileUrl: string; fileSha256: string }): Promise<Fetched> =>
    pcs[id]!.sharing.fetch({ ...job, sha256: job.fileSha256, what: 'project zip', maxBytes: 10 * 1024 * 1024, signal: new AbortController().signal });
  const finish = (id: string, jobId: string) => pcs[id]!.client.submitResult(jobId, id, 0);

  /** A fake peer: registered, heartbeating that it holds `sha` at its server, which answers with `handler`. */
  async function fakePeer(id: string, sha: string, cert: PeerCertificate, handler: (req: IncomingMessage, res: ServerResponse) => void, shownCert = cert) {
    const server = createServer({ cert: cert.certPem, key: cert.keyPem, requestCert: true, rejectUnauthorized: false }, handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const token = await c.register(id);
    const peer = { port: (server.address() as AddressInfo).port, fingerprint: shownCert.fingerprint, holds: [sha] };
    assert.equal((await c.api('POST', '/api/workers/heartbeat', { token, body: { workerId: id, peer } })).status, 200);
    return server;
  }
  /** The size the ticket names: a fake peer answers with just as many bytes, so only their content is wrong. */
  const sizeOf = (req: IncomingMessage) =>
    JSON.parse(Buffer.from((req.headers.authorization ?? '').slice(7).split('.')[0]!, 'base64url').toString()).size as number;
  const certificate = (name: string) => makePeerCertificate(name, 1);

  before(async () => {
    c = await startTestCoordinator();
    for (const id of ['pc-1', 'pc-2', 'pc-3']) await startPc(id);
  });
  after(async () => {
    await Promise.all(Object.values(pcs).map((pc) => pc.sharing.stop()));
    for (const server of servers) server.close();
    await c.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('brings the first from the coordinator and the next ones from peers, each checked', async () => {
    const { zip, jobs } = await broadcast(['pc-1', 'pc-2', 'pc-3']);
    const first = await fetchAs('pc-1', jobs['pc-1']!);
    assert.equal(first.from, 'coordinator');
    const second = await fetchAs('pc-2', jobs['pc-2']!);
    assert.deepEqual([second.from, second.peer], ['peer', 'pc-1']);
    const third = await fetchAs('pc-3', jobs['pc-3']!);
    assert.equal(third.from, 'peer');
    for (const got of [first, second, third]) assert.deepEqual(readFileSync(got.path), zip);
    // Counted when the server's side of the transfer finishes, which may come a moment after the receiver's.
    await waitFor('two zips served', () => pcs['pc-1']!.sharing.counters.served + pcs['pc-2']!.sharing.counters.served === 2 || undefined, 5000);
    for (const [id, job] of Object.entries(jobs)) await finish(id, job.jobId);
  });

  it("falls back to the coordinator when the peer refuses the receiver's ticket", async () => {
    const stranger = await startPc('pc-x');
    const { zip, jobs } = await broadcast(['pc-x', 'pc-1']);
    assert.equal((await fetchAs('pc-x', jobs['pc-x']!)).from, 'coordinator');
    await stranger.beat();
    // It checks tickets with another coordinator's key from now on (as a worker of another lab would).
    stranger.sharing.onHeartbeatAnswer({ cancelJobIds: [], ticketKey: new TicketSigner().publicKey });
    const got = await fetchAs('pc-1', jobs['pc-1']!);
    assert.deepEqual([got.from, got.fellBack], ['coordinator', 'the peer answered 403']);
    assert.deepEqual(readFileSync(got.path), zip);
    for (const [id, job] of Object.entries(jobs)) await finish(id, job.jobId);
  });

  const fallbacks: [string, (sha: string) => Promise<unknown>, RegExp][] = [
    ['serves wrong bytes', async (sha) => fakePeer('evil', sha, certificate('evil'), (req, res) => res.end(randomBytes(sizeOf(req)))), /SHA-256/],
    [
      'shows another certificate',
      async (sha) => fakePeer('liar', sha, certificate('liar'), (_q, res) => res.end(), certificate('pinned')),
      /another certificate/,
    ],
    ['cannot be reached', async (sha) => (await fakePeer('gone', sha, certificate('gone'), () => {})).close(), /cannot reach the peer/],
    [
      'stalls',
      async (sha) => fakePeer('slow', sha, certificate('slow'), (req, res) => res.writeHead(200, { 'content-length': String(sizeOf(req)) }).write('x')),
      /sent 1 bytes/,
    ],
  ];
  for (const [what, makePeer, error] of fallbacks) {
    it(`falls back to the coordinator when the peer ${what}, and the zip is still right`, async () => {
      const { zip, jobs } = await broadcast(['pc-1']);
      await makePeer(jobs['pc-1']!.fileSha256);
      const got = await fetchAs('pc-1', jobs['pc-1']!);
      assert.equal(got.from, 'coordinator');
      assert.match(got.fellBack ?? '', error);
      assert.deepEqual(readFileSync(got.path), zip);
      await finish('pc-1', jobs['pc-1']!.jobId);
    });
  }
});
