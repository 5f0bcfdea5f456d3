import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

onBothEngines('worker endpoints (seed 1-3)', () => {
  let c: TestCoordinator;
  before(async () => {
    c = await startTestCoordinator({ auth: false });
  });
  after(() => c.close());

  it('registers a worker and answers with the seed message', async () => {
    const res = await c.api('POST', '/api/workers/register', {
      body: { workerId: 'worker-abc123', hostname: 'pc-1', os: 'win32', cpuCount: 4, version: '1.0.0' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.success, true);
    assert.equal(res.body.workerId, 'worker-abc123');
    assert.equal(res.body.message, 'Worker worker-abc123 registered successfully');
    assert.equal(res.body.workerToken, undefined, 'no worker token when auth is off');
  });

  it('returns 400 "workerId and hostname are required" when a field is missing', async () => {
    for (const body of [{ hostname: 'pc' }, { workerId: 'w1' }, {}, { workerId: '', hostname: 'pc' }]) {
      const res = await c.api('POST', '/api/workers/register', { body });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'workerId and hostname are required', statusCode: 400, reason: 'invalid_request' });
    }
  });

  it('returns 400 naming the field when a type is wrong', async () => {
    const res = await c.api('POST', '/api/workers/register', { body: { workerId: 'w1', hostname: 'pc', cpuCount: 'four' } });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /cpuCount/);
    const bad = await c.api('POST', '/api/workers/register', { body: { workerId: '../etc', hostname: 'pc' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /workerId/);
  });

  it('heartbeat answers 200 with a timestamp, 404 "Worker not found" for strangers', async () => {
    const ok = await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'worker-abc123' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.success, true);
    assert.equal(ok.body.workerId, 'worker-abc123');
    assert.ok(Math.abs(ok.body.timestamp - Date.now()) < 5000);
    const missing = await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'nobody' } });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'Worker not found', statusCode: 404, reason: 'worker_not_found' });
    const noId = await c.api('POST', '/api/workers/heartbeat', { body: {} });
    assert.equal(noId.status, 400);
  });

  it('lists workers with the seed fields', async () => {
    await c.api('POST', '/api/workers/register', { body: { workerId: 'worker-def456', hostname: 'pc-2', os: 'linux', cpuCount: 8 } });
    const res = await c.api('GET', '/api/workers/register');
    assert.equal(res.status, 200);
    assert.equal(res.body.count, 2);
    const w = res.body.workers.find((x: any) => x.workerId === 'worker-def456');
    assert.deepEqual(
      { workerId: w.workerId, hostname: w.hostname, os: w.os, cpuCount: w.cpuCount, status: w.status, version: w.version },
      { workerId: 'worker-def456', hostname: 'pc-2', os: 'linux', cpuCount: 8, status: 'idle', version: null },
    );
    assert.equal(typeof w.lastHeartbeat, 'number');
  });

  it('shows what a worker says it cannot protect, from its registration and its first heartbeat', async () => {
    const c = await startTestCoordinator();
    try {
      const warning = 'the worker does not run as root, so jobs run as its user and can read its files';
      const token = await c.register('warned', { warnings: [warning] });
      const listed = async () => (await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'warned').warnings;
      assert.deepEqual(await listed(), [warning]);
      await c.api('POST', '/api/workers/heartbeat', { token, body: { workerId: 'warned', restarted: true, warnings: [] } });
      assert.deepEqual(await listed(), []);
    } finally {
      await c.close();
    }
  });
});
