/** A worker told about several coordinators: --server lists, and the transport moving to the next when one stops answering (never on an error status). */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { CoordinatorClient, CoordinatorError, CoordinatorUnreachable } from '../../../electron/core/worker/coordinator-client.ts';
import { serverList } from '../../../electron/core/worker/coordinator-target.ts';

/** A plain-HTTP stand-in answering every request with `status`, counting them. */
async function standIn(status: number): Promise<{ url: string; hits: () => number; close: () => Promise<void>; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(status < 400 ? { success: true } : { success: false, error: 'no', reason: 'x' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits: () => hits, server, close: () => new Promise((r) => server.close(() => r())) };
}

/** A port nothing listens on (a coordinator killed): taken, then let go. */
async function deadUrl(): Promise<string> {
  const s = await standIn(200);
  await s.close();
  return s.url;
}

class Probe extends CoordinatorClient {
  ping(): Promise<unknown> {
    return this.request('POST', '/api/workers/goodbye', { workerId: 'w' });
  }
}

describe('a worker with several coordinators', () => {
  it('reads --server repeated and comma-separated, deduplicated, one scheme only', () => {
    assert.deepEqual(serverList(['https://10.0.0.5:3000,https://10.0.0.6:3000', 'https://10.0.0.5:3000/', 'https://[fd00::7]:3000']), [
      'https://10.0.0.5:3000',
      'https://10.0.0.6:3000',
      'https://[fd00::7]:3000',
    ]);
    assert.deepEqual(serverList('http://pc:3000'), ['http://pc:3000']);
    assert.deepEqual(serverList(undefined), []);
    assert.throws(() => serverList(['https://a:1,http://b:1']), /not a mix/);
    assert.throws(() => serverList(['ftp://a:1']), /http:\/\/ or https:\/\//);
    assert.throws(() => serverList([Array.from({ length: 17 }, (_, i) => `https://h${i}:1`).join(',')]), /at most 16/);
  });

  it('moves to the next coordinator when one refuses connections, once per failure, and says so', async () => {
    const dead = await deadUrl();
    const live = await standIn(200);
    const moves: [string, string][] = [];
    const client = new Probe({ server: dead, servers: [dead, live.url], onMove: (from, to) => moves.push([from, to]) });
    try {
      // Two requests fail together against the dead one: the transport moves once, not past the live one.
      const failed = await Promise.allSettled([client.ping(), client.ping()]);
      for (const f of failed) assert.ok(f.status === 'rejected' && f.reason instanceof CoordinatorUnreachable);
      assert.deepEqual(moves, [[dead, live.url]]);
      assert.equal(client.server.origin, live.url);
      await client.ping();
      assert.equal(live.hits(), 1);
    } finally {
      client.close();
      await live.close();
    }
  });

  it('stays with a live coordinator that answers an error status', async () => {
    const failing = await standIn(500);
    const other = await standIn(200);
    const moves: string[] = [];
    const client = new Probe({ server: failing.url, servers: [failing.url, other.url], onMove: (_from, to) => moves.push(to) });
    try {
      await assert.rejects(client.ping(), CoordinatorError);
      assert.deepEqual(moves, []);
      assert.equal(client.server.origin, failing.url);
      assert.equal(other.hits(), 0);
    } finally {
      client.close();
      await Promise.all([failing.close(), other.close()]);
    }
  });

  it('never moves with a single coordinator', async () => {
    const dead = await deadUrl();
    const client = new Probe({ server: dead, onMove: () => assert.fail('moved') });
    await assert.rejects(client.ping(), CoordinatorUnreachable);
    assert.equal(client.server.origin, dead);
    client.close();
  });
});
