/** The coordinator's map of peers: a chain, peers whole first, and nothing handed out that is stale, offline or gone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PeerDirectory, type PeerServer } from '../../../electron/core/coordinator/files/peer-directory.ts';

const SHA = 'a'.repeat(64);
const MB = 1024 * 1024;

function directory() {
  let now = 1_000_000;
  const offline = new Set<string>();
  const d = new PeerDirectory({ now: () => now, online: (id) => !offline.has(id), staleAfterMs: 30_000 });
  const serve = (id: string, holds: string[] = []): PeerServer => ({ port: 4000, fingerprint: 'f'.repeat(64), holds });
  for (const id of ['a', 'b', 'c', 'd']) d.seen(id, `10.0.0.${id.charCodeAt(0) - 96}`, serve(id));
  const pick = (id: string, size = MB) => {
    const choice = d.choose(SHA, id);
    d.started(SHA, id, choice.kind === 'peer' ? choice.workerId : null, size);
    return choice.kind === 'peer' ? choice.workerId : 'coordinator';
  };
  return { d, serve, pick, offline, tick: (ms: number) => (now += ms) };
}

describe('the peer directory', () => {
  it('chains receivers: coordinator, then each one the previous', () => {
    const { pick } = directory();
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => pick(id)),
      ['coordinator', 'a', 'b', 'c'],
    );
  });

  it('prefers a peer holding the zip whole over one still fetching', () => {
    const { d, serve, pick } = directory();
    pick('a');
    d.seen('b', '10.0.0.2', serve('b', [SHA]));
    assert.equal(pick('c'), 'b');
  });

  it('forgets a fetch that took too long, a peer not heard from, and an offline one', () => {
    const { d, serve, pick, tick, offline } = directory();
    pick('a');
    tick(60_000 + MB / 1000 + 1); // a's fetch is past what 1 MB/s allows, and a's heartbeat too old
    d.seen('b', '10.0.0.2', serve('b'));
    assert.equal(pick('b'), 'coordinator');
    d.seen('c', '10.0.0.3', serve('c', [SHA]));
    offline.add('c');
    d.seen('d', '10.0.0.4', serve('d'));
    assert.equal(pick('d'), 'b', 'c is offline: b, still fetching, is the one');
  });

  it('drops a zip a worker no longer reports, and everything of a worker that stops serving', () => {
    const { d, serve, pick } = directory();
    d.seen('a', '10.0.0.1', serve('a', [SHA]));
    d.seen('a', '10.0.0.1', serve('a', []));
    assert.equal(pick('b'), 'coordinator');
    d.seen('c', '10.0.0.3', undefined);
    assert.equal(d.fingerprintOf('c'), undefined);
    assert.equal(pick('d'), 'b');
  });

  it('forgets what a restarted worker was fetching', () => {
    const { d, serve, pick } = directory();
    pick('a');
    d.seen('a', '10.0.0.1', serve('a'), true);
    assert.equal(pick('b'), 'coordinator');
  });

  it('keeps at most 32 holdings per worker, however many tickets it asks for', () => {
    const { d } = directory();
    for (let i = 0; i < 100; i++) d.started(i.toString(16).padStart(64, '0'), 'a', null, MB);
    let held = 0;
    for (let i = 0; i < 100; i++) if (d.choose(i.toString(16).padStart(64, '0'), 'b').kind === 'peer') held++;
    assert.equal(held, 32);
  });
});
