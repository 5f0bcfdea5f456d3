/**
 * POST /api/workers/wake and /api/workers/power on a coordinator whose network is a fake (it records
 * the magic packets it would send; nothing leaves this machine): interfaces kept from register and
 * heartbeats, packets sent directly on the coordinator's network, relayed by an online worker on
 * another one (in its heartbeat or long-poll answer, bounded), the wait for PCs to come back, and power
 * actions given once, skipped where someone uses the PC, reported back and shown.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestCoordinator, waitForLongPoll, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import type { LocalNetwork } from '../../../electron/core/wake-on-lan.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const NET_A: LocalNetwork = { name: 'lab0', mac: '52:54:00:00:00:aa', address: '10.77.1.1', netmask: '255.255.255.0', broadcast: '10.77.1.255' };
const nic = (net: string, host: number, mac: string) => ({ mac, address: `${net}.${host}`, broadcast: `${net}.255` });

onBothEngines('wake-on-LAN and power actions (API)', () => {
  let c: TestCoordinator;
  const sent: { mac: string; broadcast: string; bind: string }[] = [];
  const tokens: Record<string, string> = {};
  const beat = async (workerId: string, body: Record<string, unknown> = {}) => {
    const res = await c.api('POST', '/api/workers/heartbeat', { token: tokens[workerId]!, body: { workerId, ...body } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const goodbye = async (workerId: string, body: Record<string, unknown> = {}) =>
    assert.equal((await c.api('POST', '/api/workers/goodbye', { token: tokens[workerId]!, body: { workerId, ...body } })).status, 200);
  const worker = async (workerId: string) => (await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === workerId);
  const join = async (workerId: string, interfaces?: unknown[], extra: Record<string, unknown> = {}) => {
    tokens[workerId] = await c.register(workerId, { ...(interfaces ? { interfaces } : {}), ...extra });
  };
  const wake = (body: unknown) => c.api('POST', '/api/workers/wake', { body });
  const power = (body: unknown) => c.api('POST', '/api/workers/power', { body });

  before(async () => {
    c = await startTestCoordinator({
      offlineAfterSeconds: 3600,
      wakeTransport: {
        networks: () => [NET_A],
        send: (mac, broadcast, bind) => {
          sent.push({ mac, broadcast, bind });
          return Promise.resolve();
        },
      },
    });
    await join('pc-a', [nic('10.77.1', 20, '52:54:00:AA:00:20')]);
    await join('pc-on', [nic('10.77.1', 21, '52:54:00:aa:00:21')]);
    await join('pc-b', [nic('10.88.2', 30, '52:54:00:bb:00:30')]);
    await join('relay-b', [nic('10.77.1', 40, '52:54:00:aa:00:40'), nic('10.88.2', 40, '52:54:00:bb:00:40')]);
    await join('pc-c', [nic('10.99.3', 50, '52:54:00:cc:00:50')]);
    await join('pc-nomac', undefined, { tags: ['room-z'] });
    for (const id of ['pc-a', 'pc-b', 'pc-c', 'pc-nomac']) await goodbye(id);
  });
  after(() => c?.close());

  it('keeps the interfaces a worker reports (MACs in lower case) and shows them; a heartbeat replaces them', async () => {
    assert.deepEqual((await worker('pc-a')).interfaces, [{ mac: '52:54:00:aa:00:20', address: '10.77.1.20', broadcast: '10.77.1.255' }]);
    assert.deepEqual((await worker('pc-nomac')).interfaces, []);
    await beat('pc-on', { interfaces: [nic('10.77.1', 22, '52:54:00:aa:00:21')] });
    assert.equal((await worker('pc-on')).interfaces[0].address, '10.77.1.22');
    await beat('pc-on', { interfaces: [nic('10.77.1', 21, '52:54:00:aa:00:21')] });
  });

  it('refuses interfaces that cannot be woken, with a sentence naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [[{ mac: '52:54:00:aa:00', address: '10.77.1.9', broadcast: '10.77.1.255' }], /interfaces\.0\.mac.*six pairs of hex digits/],
      [[{ mac: '00:00:00:00:00:00', address: '10.77.1.9', broadcast: '10.77.1.255' }], /all-zero/],
      [[{ mac: '52:54:00:aa:00:09', address: '10.77.1', broadcast: '10.77.1.255' }], /interfaces\.0\.address.*IPv4/],
      [[{ mac: '52:54:00:aa:00:09', address: '10.77.1.9', broadcast: '255.255.255.255' }], /broadcast address of the interface's network/],
      [Array.from({ length: 17 }, (_, i) => nic('10.77.1', i + 1, '52:54:00:aa:00:01')), /interfaces/],
    ];
    for (const [interfaces, message] of cases) {
      const res = await c.api('POST', '/api/workers/register', { token: c.tokens.joinToken, body: { workerId: 'pc-bad', hostname: 'bad', interfaces } });
      assert.equal(res.status, 400, JSON.stringify(interfaces));
      assert.match(res.body.error, message);
      const hb = await c.api('POST', '/api/workers/heartbeat', { token: tokens['pc-on']!, body: { workerId: 'pc-on', interfaces } });
      assert.equal(hb.status, 400);
    }
  });

  it('sends a packet itself on its own network, has an online worker relay one on another, and reports what it could not', async () => {
    sent.length = 0;
    const res = await wake({ workerIds: ['pc-a', 'pc-b', 'pc-c', 'pc-nomac', 'pc-on'] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      success: true,
      sent: 1,
      relayed: 1,
      awake: ['pc-on'],
      stillOffline: ['pc-a', 'pc-b', 'pc-c', 'pc-nomac'],
      noMac: ['pc-nomac'],
      unreachable: ['pc-c'],
    });
    assert.deepEqual(sent, [{ mac: '52:54:00:aa:00:20', broadcast: '10.77.1.255', bind: '10.77.1.1' }], 'from its interface on that network, to its broadcast');
    // The relay hears of it in its next heartbeat's answer, once.
    assert.deepEqual((await beat('relay-b')).wake, [{ mac: '52:54:00:bb:00:30', broadcast: '10.88.2.255' }]);
    assert.equal((await beat('relay-b')).wake, undefined);
  });

  it("ends a relay's long poll at once with the packet to send", async () => {
    const started = Date.now();
    const poll = c.api('GET', '/api/jobs/get-job?workerId=relay-b&wait=30', { token: tokens['relay-b']! });
    await waitForLongPoll(c, 'relay-b');
    assert.equal((await wake({ workerIds: ['pc-b'] })).body.relayed, 1);
    const answer = await poll;
    assert.equal(answer.status, 202);
    assert.equal(answer.body.job, null);
    assert.deepEqual(answer.body.wake, [{ mac: '52:54:00:bb:00:30', broadcast: '10.88.2.255' }]);
    assert.ok(Date.now() - started < 10_000, 'not after the poll ran out');
  });

  it('waits for the woken PCs to come back (by their state, not a fixed time) and says which did', async () => {
    sent.length = 0;
    const started = Date.now();
    const answer = wake({ workerIds: ['pc-a'], waitSeconds: 60 });
    await waitFor('the packet', () => sent.length > 0 || undefined, 10_000);
    await beat('pc-a'); // the PC booted and its worker is back
    const res = await answer;
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.awake, ['pc-a']);
    assert.deepEqual(res.body.stillOffline, []);
    assert.ok(Date.now() - started < 20_000, `answered ${Date.now() - started} ms after the request`);
    await goodbye('pc-a');
  });

  it('does not wait when nothing could be sent, and wakes workers by target', async () => {
    const started = Date.now();
    const res = await wake({ target: { tags: ['room-z'] }, waitSeconds: 600 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.noMac, ['pc-nomac']);
    assert.deepEqual(res.body.stillOffline, ['pc-nomac']);
    assert.ok(Date.now() - started < 5000);
  });

  it('bounds the packets in one answer to a relay; the rest come with the next', async () => {
    await join('relay-d', [nic('10.66.4', 1, '52:54:00:dd:00:01')]);
    const sleepers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `pc-d${i}`;
      await join(id, [nic('10.66.4', 10 + i, `52:54:00:dd:01:${(10 + i).toString(16).padStart(2, '0')}`)]);
      await goodbye(id);
      sleepers.push(id);
    }
    assert.equal((await wake({ workerIds: sleepers })).body.relayed, 20);
    assert.equal((await beat('relay-d')).wake.length, 16);
    assert.equal((await beat('relay-d')).wake.length, 4);
    assert.equal((await beat('relay-d')).wake, undefined);
  });

  it('refuses bad wake requests with a sentence, an unknown worker with 404 worker_not_found, and anyone but the admin', async () => {
    for (const body of [
      {},
      { workerIds: ['pc-a'], target: { tags: ['x'] } },
      { workerIds: [] },
      { workerIds: ['pc-a'], waitSeconds: 601 },
      { workerIds: ['pc-a'], extra: 1 },
    ]) {
      const res = await wake(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, /\w+ \w+/);
    }
    const unknown = await wake({ workerIds: ['pc-a', 'nobody'] });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.reason, 'worker_not_found');
    assert.match(unknown.body.error, /nobody/);
    assert.equal((await c.api('POST', '/api/workers/wake', { token: tokens['relay-b']!, body: { workerIds: ['pc-a'] } })).status, 403);
    assert.equal((await c.api('POST', '/api/workers/power', { token: tokens['relay-b']!, body: { workerIds: ['pc-on'], action: 'shutdown' } })).status, 403);
  });

  it('skips a PC in use (from its last heartbeat) and an offline one; force goes ahead; the action is given once', async () => {
    await beat('pc-on', { inUse: true });
    assert.equal((await worker('pc-on')).inUse, true);
    const skipped = await power({ workerIds: ['pc-on', 'pc-a'], action: 'shutdown' });
    assert.equal(skipped.status, 200);
    assert.deepEqual(skipped.body, { success: true, accepted: [], inUse: ['pc-on'], offline: ['pc-a'] });
    assert.equal((await beat('pc-on')).power, undefined, 'nothing told');
    const forced = await power({ workerIds: ['pc-on'], action: 'reboot', delaySeconds: 60, force: true });
    assert.deepEqual(forced.body.accepted, ['pc-on']);
    const asked = (await worker('pc-on')).power;
    assert.equal(asked.state, 'requested');
    const order = (await beat('pc-on')).power;
    assert.deepEqual(order, { action: 'reboot', delaySeconds: 60, force: true, requestedAt: asked.requestedAt });
    assert.equal((await worker('pc-on')).power.state, 'delivered');
    assert.equal((await beat('pc-on')).power, undefined, 'given once');
  });

  it('shows what the worker reports, ignores a report of an older action, and shows a goodbye while powering off as powered off', async () => {
    const requestedAt = (await worker('pc-on')).power.requestedAt;
    const at = Date.now() + 60_000;
    await beat('pc-on', { power: { action: 'reboot', requestedAt, state: 'powering_off', at } });
    assert.deepEqual({ state: (await worker('pc-on')).power.state, at: (await worker('pc-on')).power.at }, { state: 'powering_off', at });
    // A new request, then a heartbeat still carrying the report of the old one: the new one stays.
    await beat('pc-on', { inUse: false });
    await power({ workerIds: ['pc-on'], action: 'shutdown' });
    const stale = await beat('pc-on', { power: { action: 'reboot', requestedAt, state: 'powering_off', at } });
    assert.equal(stale.power.action, 'shutdown');
    const newer = stale.power.requestedAt;
    await beat('pc-on', { power: { action: 'shutdown', requestedAt: newer, state: 'powering_off', at: Date.now() } });
    await goodbye('pc-on', { poweringOff: true });
    const gone = await worker('pc-on');
    assert.equal(gone.status, 'offline');
    assert.equal(gone.power.state, 'powering_off');
    assert.equal(gone.power.action, 'shutdown');
  });

  it('forgets a done action when the worker comes back as a new process', async () => {
    await beat('pc-on', { restarted: true });
    const back = await worker('pc-on');
    assert.equal(back.status, 'idle');
    assert.equal(back.power, null);
  });

  it("ends an idle worker's long poll at once with its power action", async () => {
    const poll = c.api('GET', '/api/jobs/get-job?workerId=relay-b&wait=30', { token: tokens['relay-b']! });
    await waitForLongPoll(c, 'relay-b');
    const res = await power({ target: { workers: ['relay-b'] }, action: 'logoff' });
    assert.deepEqual(res.body.accepted, ['relay-b']);
    const answer = await poll;
    assert.equal(answer.status, 202);
    assert.equal(answer.body.power.action, 'logoff');
    assert.equal((await worker('relay-b')).power.state, 'delivered');
  });

  it('refuses bad power requests with a sentence', async () => {
    const cases: [unknown, RegExp][] = [
      [{ workerIds: ['pc-on'], action: 'hibernate' }, /action must be one of shutdown, reboot, logoff/],
      [{ workerIds: ['pc-on'] }, /action/],
      [{ action: 'shutdown' }, /workerIds .* or target/],
      [{ workerIds: ['pc-on'], action: 'shutdown', delaySeconds: 3601 }, /delaySeconds/],
      [{ workerIds: ['pc-on'], action: 'shutdown', delaySeconds: -1 }, /delaySeconds/],
    ];
    for (const [body, message] of cases) {
      const res = await power(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, message);
    }
    const unknown = await power({ workerIds: ['nobody'], action: 'shutdown' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.reason, 'worker_not_found');
  });
});
