/** The worker's own status page (--ui-port) against DNS rebinding and other pages: Host names and the per-start key. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { startCli, type CliProcess } from '../helpers/processes.ts';

/** One request with a Host header of our choosing (fetch would not let us set it). */
function get(port: number, path: string, host: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsOpens(url: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => (ws.close(), resolve(true)));
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
}

describe("the worker's status page", () => {
  let c: TestCoordinator;
  let worker: CliProcess;
  let port: number;
  let key: string;

  before(async () => {
    c = await startTestCoordinator();
    worker = startCli(['worker', '--server', c.url, '--work-dir', tempDir('cmdx-worker-'), '--ui-port', '0'], { CMDX_JOIN_TOKEN: c.tokens.joinToken });
    const page = new URL((await worker.waitForLog((l) => l.msg === 'worker status page')).url);
    port = Number(page.port);
    key = new URLSearchParams(page.hash.split('?')[1]).get('key')!;
    assert.match(key, /^[0-9a-f]{32}$/);
  });
  after(async () => {
    await worker.kill('SIGKILL');
    await c.close();
  });

  it('answers a rebinding Host with 403 (state, pause and the WebSocket), even with the key', async () => {
    const evil = `rebind.evil.example:${port}`;
    assert.equal((await get(port, `/local/state?key=${key}`, evil)).status, 403);
    assert.equal((await get(port, '/local/pause', evil, 'POST', { origin: `http://${evil}`, 'x-cmdx-local': '1', 'x-cmdx-local-key': key })).status, 403);
    assert.equal(await wsOpens(`ws://127.0.0.1:${port}/local/ws?key=${key}`, { host: evil, origin: `http://${evil}` }), false);
    assert.equal(
      worker.logs.some((l) => l.msg?.startsWith('paused')),
      false,
      'the worker was not paused',
    );
  });

  it('needs the per-start key for its API and WebSocket; the page itself loads', async () => {
    const host = `127.0.0.1:${port}`;
    assert.equal((await get(port, '/', host)).status, 200);
    assert.equal((await get(port, '/local/state', host)).status, 403);
    assert.equal((await get(port, '/local/state?key=0123456789abcdef0123456789abcdef', host)).status, 403);
    const state = await get(port, `/local/state?key=${key}`, `localhost:${port}`);
    assert.equal(state.status, 200);
    assert.equal(JSON.parse(state.body).workerId.length > 0, true);
    assert.equal(await wsOpens(`ws://127.0.0.1:${port}/local/ws`, {}), false);
    assert.equal(await wsOpens(`ws://127.0.0.1:${port}/local/ws?key=${key}`, {}), true);
  });
});
