/**
 * The join list under a flood: a global rate, IPv6 grouped by /64, silent requests dropped and evicted,
 * and a flood from 101 loopback addresses that leaves a real PC free to ask, be seen and be approved.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { addressGroup, JoinRequests, MAX_WAITING, SILENT_DROP_MS } from '../../../electron/core/coordinator/workers/join-requests.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { startCli, waitFor, type CliProcess } from '../../helpers/processes.ts';

const key = (i: number) => i.toString(16).padStart(64, '0');
const ask = (requests: JoinRequests, i: number, address: string) => requests.ask({ workerId: `pc-${i}`, hostname: `pc-${i}`, key: key(i) }, address);

describe('join requests: rate and room', () => {
  it('groups IPv6 addresses by /64 and IPv4-mapped ones as IPv4', () => {
    assert.equal(addressGroup('2001:db8:1:2:aaaa::1'), addressGroup('2001:db8:1:2:ffff:1:2:3'));
    assert.notEqual(addressGroup('2001:db8:1:2::1'), addressGroup('2001:db8:1:3::1'));
    assert.equal(addressGroup('::ffff:10.0.0.7'), '10.0.0.7');
    assert.equal(addressGroup('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });

  it('limits one /64 to 10 a minute and everyone to a burst of 100, then 2 a second', async () => {
    let now = 1_000_000;
    const requests = new JoinRequests('fp', () => now);
    const fromOneNet = [];
    for (let i = 0; i < 12; i++) fromOneNet.push((await ask(requests, i, `2001:db8::${i + 1}`)).ok);
    assert.deepEqual(fromOneNet.filter(Boolean).length, 10, 'ten from one /64');
    const outcomes = [];
    for (let i = 100; i < 400; i++) outcomes.push(await ask(requests, i, `10.0.${i >> 8}.${i & 255}`));
    assert.equal(outcomes.filter((o) => o.ok).length, 90, 'the burst of 100, ten of it already taken');
    const refused = outcomes.find((o) => !o.ok);
    assert.deepEqual(refused, { ok: false, reason: 'rate_limited', retryAfterSeconds: 1 });
    now += 5000;
    let later = 0;
    for (let i = 400; i < 430; i++) if ((await ask(requests, i, `10.1.${i >> 8}.${i & 255}`)).ok) later++;
    assert.equal(later, 10, '2 a second for 5 s');
  });

  it('drops a request whose PC stopped asking for its answer, keeps one that asks', async () => {
    let now = 1_000_000;
    const requests = new JoinRequests('fp', () => now);
    const silent = await ask(requests, 1, '10.0.0.1');
    const polling = await requests.ask({ workerId: 'pc-2', hostname: 'pc-2', key: createHash('sha256').update('the-secret').digest('hex') }, '10.0.0.2');
    assert.ok(silent.ok && polling.ok);
    assert.equal(requests.isActive(polling.request), false, 'not asked for its answer yet');
    for (let t = 0; t < SILENT_DROP_MS; t += 2000) {
      now += 2000;
      assert.equal(requests.withSecret(polling.request.requestId, 'wrong'), undefined, 'a wrong secret is no sign of life');
      assert.ok(requests.withSecret(polling.request.requestId, 'the-secret'), 'its PC asks, as a waiting worker does every 2 s');
    }
    assert.equal(requests.isActive(polling.request), true);
    now += 1;
    assert.deepEqual(
      requests.pending().map((r) => r.workerId),
      ['pc-2'],
    );
  });

  it('a flooder that keeps polling its requests from 20 addresses holds at most 50 each, and a PC of its own still gets in', async () => {
    let now = 1_000_000;
    const requests = new JoinRequests('fp', () => now);
    let made = 0;
    for (let round = 0; made < MAX_WAITING && round < 200; round++) {
      for (let a = 0; a < 20; a++) if ((await ask(requests, round * 100 + a, `2001:db8:${a}::${round + 1}`)).ok) made++;
      now += 6_000; // 10 a minute per address
      for (const r of requests.pending()) r.seenAt = now; // the flooder polls every request
    }
    assert.equal(requests.pending().length, MAX_WAITING);
    now += 61_000; // past the per-minute rate: what refuses now is the cap of waiting requests per address
    for (const r of requests.pending()) r.seenAt = now;
    const over = await ask(requests, 99_999, '2001:db8:0::ffff');
    assert.deepEqual(over, { ok: false, reason: 'rate_limited', retryAfterSeconds: 60 }, 'a 51st from one /64 waits');
    const real = await ask(requests, 100_000, '10.9.9.9');
    assert.ok(real.ok, 'the real PC gets in');
    assert.equal(requests.pending().length, MAX_WAITING, "a flooder's oldest request made room");
  });

  it('when the list is full, the request silent longest makes room; while all are asking, a newcomer waits', async () => {
    let now = 1_000_000;
    const requests = new JoinRequests('fp', () => now);
    for (let i = 0; i < MAX_WAITING; i++) {
      now += 600; // within the global rate
      const outcome = await ask(requests, i, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      assert.ok(outcome.ok, `request ${i}`);
      if (i % 100 === 0) for (const r of requests.pending()) r.seenAt = now; // their PCs ask for their answers
    }
    const first = requests.pending()[0]!;
    for (const r of requests.pending()) r.seenAt = now; // every PC is asking
    now += 1000;
    assert.deepEqual(await ask(requests, 5000, '10.200.0.1'), { ok: false, reason: 'full' });
    for (const r of requests.pending()) if (r !== first) r.seenAt = now; // one went silent
    now += 20_000;
    for (const r of requests.pending()) if (r !== first) r.seenAt = now;
    const newcomer = await ask(requests, 5001, '10.200.0.2');
    assert.ok(newcomer.ok);
    assert.equal(requests.get(first.requestId), undefined, 'the silent one made room');
    assert.equal(requests.pending().length, MAX_WAITING);
  });
});

/** One join request from a chosen loopback source address; resolves to the status. */
function askFrom(c: TestCoordinator, source: string, i: number): Promise<number> {
  const body = JSON.stringify({ workerId: `flood-${source}-${i}`, hostname: 'flood', key: key(Number(source.split('.').at(-1)) * 100 + i) });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: c.port,
        localAddress: source,
        agent: false,
        method: 'POST',
        path: '/api/workers/join-requests',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('a join flood from 101 addresses', () => {
  let c: TestCoordinator;
  let worker: CliProcess | undefined;
  before(async () => {
    c = await startTestCoordinator();
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c.close();
  });

  it('is one line on the dashboard, and a real PC still asks, is listed and is approved', async () => {
    const statuses: number[] = [];
    const sources = Array.from({ length: 101 }, (_, i) => `127.0.1.${i + 1}`);
    const floodStart = performance.now();
    await Promise.all(
      sources.map(async (source) => {
        for (let i = 0; i < 10; i++) statuses.push(await askFrom(c, source, i));
      }),
    );
    const accepted = statuses.filter((s) => s === 202).length;
    assert.equal(statuses.length, 1010);
    // The rule, whatever this machine's speed: a burst of 100, then 2 a second while the flood lasted.
    const allowed = 100 + Math.ceil((2 * (performance.now() - floodStart)) / 1000);
    assert.ok(accepted <= allowed, `the global rate let ${accepted} of 1,010 in (at most ${allowed})`);
    assert.deepEqual(new Set(statuses.filter((s) => s !== 202)), new Set([429]), 'the rest are told to slow down, not that the list is full');

    // A real PC (a worker without a token, over TLS) asks now and keeps asking for its answer.
    worker = startCli([
      'worker',
      '--server',
      `https://127.0.0.1:${c.port}`,
      '--id',
      'real-pc',
      '--name',
      'lab-pc-07',
      '--work-dir',
      tempDir('cmdx-worker-'),
      '--heartbeat-interval',
      '0.5',
    ]);
    const asked = await worker.waitForLog((l) => l.msg?.startsWith('asked to join'), 30_000);
    // The flood's requests never ask for their answer: once they fall silent, the list shows only the real PC, and the flood as one line.
    const listed = await waitFor(
      'the list without the silent flood',
      async () => {
        const body = (await c.api('GET', '/api/workers/join-requests')).body;
        return body.requests.length === 1 ? body : undefined;
      },
      30_000,
      500,
    );
    assert.equal(listed.requests[0].workerId, 'real-pc');
    assert.equal(listed.requests[0].pairingCode, asked.pairingCode);
    assert.ok(listed.flood.requests >= 1010, `the flood line counts every ask (${listed.flood.requests})`);
    assert.ok(listed.flood.addresses >= 101);
    assert.equal(listed.flood.hidden, listed.waiting - 1);
    const approve = await c.api('POST', '/api/workers/join-requests/approve', { body: { requestIds: [listed.requests[0].requestId] } });
    assert.deepEqual(approve.body.approved, [listed.requests[0].requestId]);
    await worker.waitForLog((l) => l.msg === 'the admin approved this PC; it now takes jobs');
    assert.equal((await c.api('POST', '/api/workers/join-requests/refuse', { body: { all: true } })).body.count, listed.waiting - 1);
  });
});
