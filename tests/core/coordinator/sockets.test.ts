/**
 * Sockets an attacker holds open, tried on a real coordinator: slow unauthenticated requests are
 * closed at their deadline, a refusal closes the connection after a bounded linger, and a flood of
 * connections from one address is capped while a real worker elsewhere carries on.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../../helpers/jobs.ts';
import { startCli, type CliProcess } from '../../helpers/processes.ts';

/** A raw TCP connection from `localAddress`, resolving once connected; `closed` resolves when the server ends it. */
function open(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; closed: Promise<number>; received: () => string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let text = '';
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - started)));
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed, received: () => text }));
    socket.once('error', reject);
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_r, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms))]);
}

describe('sockets held open by someone without a token', () => {
  let c: TestCoordinator;
  let worker: CliProcess;

  before(async () => {
    c = await startTestCoordinator({ connections: { unauthenticatedMs: 1000, idleMs: 5000, lingerMs: 1000, maxUnauthenticatedPerAddress: 32 } });
    worker = startCli(['worker', '--server', c.url, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    await worker.waitForLog((l) => l.msg === 'registered with the coordinator');
  });
  after(async () => {
    await worker.kill('SIGKILL');
    await c.close();
  });

  it('closes 20 slow unauthenticated requests (a byte at a time) at their deadline', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => open(c.port)));
    for (const { socket } of sockets) {
      socket.write('POST /api/workers/join-requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{');
    }
    const trickle = setInterval(() => sockets.forEach(({ socket }) => socket.writable && socket.write(' ')), 200);
    try {
      const times = await within(Promise.all(sockets.map((s) => s.closed)), 10_000, 'all 20 closed');
      assert.ok(Math.max(...times) < 5000, `closed after ${Math.max(...times)} ms`);
    } finally {
      clearInterval(trickle);
    }
  });

  it('answers a wrong token with 401, reads a bounded part of a huge body, then closes the connection', async () => {
    const s = await open(c.port);
    s.socket.write(
      'POST /api/execute HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer cmdx_a_wrong-wrong-wrong-wrong\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000000\r\n\r\n',
    );
    const trickle = setInterval(() => s.socket.writable && s.socket.write('x'.repeat(100)), 100);
    try {
      await within(s.closed, 5000, 'the connection closed');
      assert.match(s.received(), /^HTTP\/1\.1 401/);
      assert.match(s.received(), /Connection: close/i);
    } finally {
      clearInterval(trickle);
    }
  });

  it('caps connections from one flooding address while a real worker on another address runs a job', async () => {
    const flood = await Promise.all(Array.from({ length: 100 }, () => open(c.port, '127.0.0.2').catch(() => undefined)));
    const alive = () => flood.filter((s) => s && !s.socket.destroyed && s.socket.readyState === 'open').length;
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(alive() <= 32, `at most 32 unauthenticated connections stay (${alive()})`);
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const job = await waitForJob(t, await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo during-the-flood'));
    assert.equal(job.status, 'completed');
    assert.match(job.stdout, /during-the-flood/);
    for (const s of flood) s?.socket.destroy();
  });
  it('keeps an authenticated dashboard WebSocket open past the unauthenticated deadline', async () => {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/ws`, ['cmdx', `cmdx-token.${c.tokens.adminToken}`]);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });
});
