/**
 * TLS with a pinned certificate and joining on loopback: the certificate kept across restarts, a worker
 * joining with a join line, a man in the middle refused before anything is sent, identities that the
 * join token cannot take over, limited and rotated join tokens, approval, revocation, rate limits.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEY_FILE } from '../../../electron/core/coordinator/http/tls/certificate.ts';
import { displayFingerprint } from '../../../shared/fingerprint.ts';
import { formatJoinLine } from '../../../shared/join-line.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../../helpers/processes.ts';
import { startMitmProxy } from '../../lab/tls-proxy.ts';

/** One HTTPS request to the coordinator, trusting only its own certificate. */
function httpsCall(c: TestCoordinator, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const cert = readFileSync(join(c.dataDir, 'tls-cert.pem'), 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: c.port,
        path,
        method,
        ca: cert,
        checkServerIdentity: () => undefined,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

function worker(args: string[], workDir = tempDir('cmdx-worker-')): CliProcess & { workDir: string } {
  return Object.assign(startCli(['worker', '--work-dir', workDir, '--heartbeat-interval', '0.5', ...args]), { workDir });
}

describe('TLS, pinning and joining', () => {
  let c: TestCoordinator;
  const dataDir = tempDir();
  const processes: CliProcess[] = [];

  before(async () => {
    c = await startTestCoordinator({ dataDir, offlineAfterSeconds: 5 });
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await c.close();
  });

  it('serves TLS with a self-signed certificate kept across restarts (key 0600), and plain HTTP on loopback', async () => {
    assert.match(c.fingerprint ?? '', /^[0-9a-f]{64}$/);
    assert.equal(statSync(join(dataDir, KEY_FILE)).mode & 0o777, 0o600);
    const info = await httpsCall(c, 'GET', '/api/coordinator/info', c.tokens.adminToken);
    assert.equal(info.status, 200);
    assert.equal(info.body.fingerprint, c.fingerprint);
    assert.ok(info.body.addresses.every((a: string) => a.startsWith('https://')));
    assert.ok(info.body.joinLines.every((l: any) => l.withToken.startsWith('cmdx://') && l.withToken.includes(`fp=${c.fingerprint}`)));
    assert.equal((await c.api('GET', '/api/health', { token: null })).status, 200); // plain HTTP from this PC
    const before = c.fingerprint;
    await c.stop();
    c = await startTestCoordinator({ dataDir, offlineAfterSeconds: 5 });
    assert.equal(c.fingerprint, before);
  });

  it('a worker joins with a join line over pinned TLS, runs a job, and keeps no join token', async () => {
    const line = formatJoinLine('127.0.0.1', c.port, c.fingerprint, c.tokens.joinToken);
    const w = worker(['--join', line, '--id', 'tls-worker']);
    processes.push(w);
    await w.waitForLog((l) => l.msg === 'registered with the coordinator');
    const jobId = await submitZip({ url: c.url, adminToken: c.tokens.adminToken }, [{ name: 'p/a.txt', content: 'x' }], 'echo over-tls');
    const job = await waitForJob({ url: c.url, adminToken: c.tokens.adminToken }, jobId);
    assert.equal(job.status, 'completed');
    assert.match(job.stdout, /over-tls/);
    const identity = readFileSync(join(w.workDir, 'worker.json'), 'utf8');
    assert.doesNotMatch(identity, /cmdx_j_/);
    assert.equal(JSON.parse(identity).fingerprint, c.fingerprint);
    assert.equal(JSON.parse(identity).server, `https://127.0.0.1:${c.port}`);
  });

  it('refuses a TLS proxy with another certificate, names both fingerprints, and sends nothing through it', async () => {
    const proxy = await startMitmProxy({ listenHost: '127.0.0.1', targetHost: '127.0.0.1', targetPort: c.port });
    try {
      const line = formatJoinLine('127.0.0.1', proxy.port, c.fingerprint, c.tokens.joinToken);
      const w = worker(['--join', line, '--id', 'mitm-victim']);
      processes.push(w);
      const warning = await w.waitForLog((l) => typeof l.error === 'string' && l.error.includes('presented certificate'));
      assert.match(warning.error, new RegExp(displayFingerprint(proxy.certificate.fingerprint)));
      assert.match(warning.error, new RegExp(`expected ${displayFingerprint(c.fingerprint!)}`));
      assert.match(warning.error, /the traffic may be intercepted, or the coordinator was reinstalled; join again/);
      await w.kill('SIGKILL');
      assert.equal(proxy.received().length, 0, 'not a byte of HTTP reached the proxy');
      assert.equal(
        (await c.api('GET', '/api/workers/register')).body.workers.some((x: any) => x.workerId === 'mitm-victim'),
        false,
      );
    } finally {
      await proxy.close();
    }
  });

  it('the join token cannot take over an existing worker id; the real worker keeps working', async () => {
    const res = await c.api('POST', '/api/workers/register', { token: c.tokens.joinToken, body: { workerId: 'tls-worker', hostname: 'impostor' } });
    assert.equal(res.status, 409);
    assert.match(res.body.error, /already registered; only that worker \(with its own token\) or the admin/);
    const jobId = await submitZip({ url: c.url, adminToken: c.tokens.adminToken }, [{ name: 'p/a.txt', content: 'x' }], 'echo still-mine');
    const job = await waitForJob({ url: c.url, adminToken: c.tokens.adminToken }, jobId);
    assert.equal(job.status, 'completed');
    assert.equal(job.workerId, 'tls-worker');
    assert.equal((await c.api('GET', '/api/workers/register')).body.workers.find((x: any) => x.workerId === 'tls-worker').hostname !== 'impostor', true);
  });

  it('a rotated join token replaces the old one at once; a single-use or expired one is refused', async () => {
    const old = c.tokens.joinToken;
    const rotated = await c.api('POST', '/api/join-token/rotate', { body: { maxUses: 1 } });
    assert.equal(rotated.status, 200);
    const fresh = rotated.body.joinToken as string;
    assert.notEqual(fresh, old);
    assert.equal((await c.api('POST', '/api/workers/register', { token: old, body: { workerId: 'late-1', hostname: 'h' } })).status, 401);
    assert.equal((await c.api('POST', '/api/workers/register', { token: fresh, body: { workerId: 'once-1', hostname: 'h' } })).status, 200);
    const second = await c.api('POST', '/api/workers/register', { token: fresh, body: { workerId: 'once-2', hostname: 'h' } });
    assert.equal(second.status, 401);
    assert.match(second.body.error, /already added 1 PCs, its limit/);
    const expiring = await c.api('POST', '/api/join-token/rotate', { body: { expiresAt: Date.now() - 1000 } });
    const expired = await c.api('POST', '/api/workers/register', { token: expiring.body.joinToken, body: { workerId: 'late-2', hostname: 'h' } });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error, /expired at/);
    const tokensFile = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
    assert.equal(tokensFile.joinToken, expiring.body.joinToken);
    await c.api('POST', '/api/join-token/rotate', { body: {} });
  });

  it('a PC without a token asks to join, shows the pairing code the dashboard shows, and runs jobs once approved', async () => {
    const w = worker(['--server', `https://127.0.0.1:${c.port}`, '--id', 'asks-1', '--name', 'lab-pc-asks']);
    processes.push(w);
    const asked = await w.waitForLog((l) => l.msg?.startsWith('asked to join'));
    const list = await c.api('GET', '/api/workers/join-requests');
    const request = list.body.requests.find((r: any) => r.workerId === 'asks-1');
    assert.ok(request, 'the request is listed for the admin');
    assert.equal(request.pairingCode, asked.pairingCode);
    assert.equal(request.hostname, 'lab-pc-asks');
    assert.equal(
      (await c.api('GET', '/api/workers/register')).body.workers.some((x: any) => x.workerId === 'asks-1'),
      false,
    );
    assert.equal((await c.api('POST', '/api/workers/join-requests/approve', { body: { requestIds: [request.requestId] } })).status, 200);
    await w.waitForLog((l) => l.msg === 'the admin approved this PC; it now takes jobs');
    const identity = JSON.parse(readFileSync(join(w.workDir, 'worker.json'), 'utf8'));
    assert.equal(identity.fingerprint, c.fingerprint);
    await waitFor('asks-1 idle', async () =>
      (await c.api('GET', '/api/workers/register')).body.workers.find((x: any) => x.workerId === 'asks-1' && x.status === 'idle'),
    );
  });

  it('refuses a request the admin refuses, and a revoked worker is refused at its next call', async () => {
    const asked = await c.api('POST', '/api/workers/join-requests', { token: null, body: { workerId: 'refuse-me', hostname: 'x', key: 'a'.repeat(64) } });
    assert.equal(asked.status, 202);
    assert.equal((await c.api('POST', '/api/workers/join-requests/refuse', { body: { requestIds: [asked.body.requestId] } })).status, 200);
    assert.equal(
      (await c.api('GET', '/api/workers/join-requests')).body.requests.some((r: any) => r.workerId === 'refuse-me'),
      false,
    );
    const token = await c.register('to-revoke');
    const beat = () => c.api('POST', '/api/workers/heartbeat', { token, body: { workerId: 'to-revoke' } });
    assert.equal((await beat()).status, 200);
    assert.equal((await c.api('POST', '/api/workers/revoke', { body: { workerId: 'to-revoke' } })).status, 200);
    assert.equal((await beat()).status, 401);
  });

  it('never approves a request for an id already registered or claimed twice: flagged, skipped, the real worker untouched', async () => {
    const token = await c.register('real-pc');
    const decoy = await c.api('POST', '/api/workers/join-requests', { token: null, body: { workerId: 'real-pc', hostname: 'decoy', key: 'b'.repeat(64) } });
    const twin1 = await c.api('POST', '/api/workers/join-requests', { token: null, body: { workerId: 'twin', hostname: 't1', key: 'c'.repeat(64) } });
    await c.api('POST', '/api/workers/join-requests', { token: null, body: { workerId: 'twin', hostname: 't2', key: 'd'.repeat(64) } });
    const listed = (await c.api('GET', '/api/workers/join-requests')).body.requests;
    assert.match(listed.find((r: any) => r.requestId === decoy.body.requestId).conflict, /already registered/);
    assert.match(listed.find((r: any) => r.requestId === twin1.body.requestId).conflict, /same worker id/);
    const approve = await c.api('POST', '/api/workers/join-requests/approve', { body: { requestIds: [decoy.body.requestId, twin1.body.requestId] } });
    assert.deepEqual(approve.body.approved, []);
    assert.equal(approve.body.skipped.length, 2);
    assert.equal((await c.api('POST', '/api/workers/heartbeat', { token, body: { workerId: 'real-pc' } })).status, 200, 'the real worker keeps its token');
    assert.equal(
      (await c.api('GET', '/api/workers/register')).body.workers.some((w: any) => w.workerId === 'twin'),
      false,
    );
    await c.api('POST', '/api/workers/join-requests/refuse', { body: { all: true } });
  });

  it('rate limits 200 join requests from one address while a real worker carries on', async () => {
    const token = await c.register('busy-beater');
    const statuses: number[] = [];
    const beats: number[] = [];
    const flood = (async () => {
      for (let i = 0; i < 200; i++) {
        statuses.push(
          (
            await c.api('POST', '/api/workers/join-requests', {
              token: null,
              body: { workerId: `flood-${i}`, hostname: 'f', key: i.toString(16).padStart(64, '0') },
            })
          ).status,
        );
      }
    })();
    for (let i = 0; i < 20; i++) beats.push((await c.api('POST', '/api/workers/heartbeat', { token, body: { workerId: 'busy-beater' } })).status);
    await flood;
    assert.ok(statuses.filter((s) => s === 202).length <= 10, `at most 10 accepted, got ${statuses.filter((s) => s === 202).length}`);
    assert.ok(statuses.filter((s) => s === 429).length >= 190);
    assert.ok((await c.api('GET', '/api/workers/join-requests')).body.count <= 12);
    assert.deepEqual(new Set(beats), new Set([200]), 'every heartbeat during the flood was answered');
  });
});
