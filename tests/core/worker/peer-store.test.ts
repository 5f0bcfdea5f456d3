/**
 * The peer store: a zip becomes whole only with every byte and the right SHA-256; a peer reads a zip still
 * arriving as far as it has come (a relay) and is told when that transfer fails or stalls.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { PeerStore, WrongHash } from '../../../electron/core/worker/peer-store.ts';
import { tempDir } from '../../helpers/coordinator.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const collect = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
};

describe('the peer store', () => {
  const dirs: string[] = [];
  const store = (options = {}) => {
    const dir = tempDir('cmdx-peer-store-');
    dirs.push(dir);
    return { dir, store: new PeerStore(dir, options) };
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps a zip whose bytes hash right, in its private folder, and says it holds it', async () => {
    const { dir, store: s } = store();
    const zip = randomBytes(300_000);
    const path = await s.receive(sha(zip), zip.length, Readable.from([zip.subarray(0, 1000), zip.subarray(1000)]));
    assert.deepEqual(readFileSync(path), zip);
    assert.deepEqual(s.holds(), [sha(zip)]);
    assert.equal(path, join(dir, 'peer', 'blobs', `${sha(zip)}.zip`));
  });

  it('drops a whole zip changed on this PC (through a hard link of the cache) instead of handing it out again', async () => {
    const { store: s } = store();
    const zip = randomBytes(1000);
    const path = await s.receive(sha(zip), zip.length, Readable.from([zip]));
    writeFileSync(path, randomBytes(1000));
    assert.equal(await s.whole(sha(zip)), undefined);
    assert.deepEqual(s.holds(), []);
    assert.equal(existsSync(path), false);
  });

  it('refuses wrong bytes, too few and too many, leaving no file and nothing held', async () => {
    const { dir, store: s } = store();
    const zip = randomBytes(10_000);
    const other = Buffer.from(zip).fill(1, 0, 10);
    await assert.rejects(s.receive(sha(zip), zip.length, Readable.from([other])), WrongHash);
    await assert.rejects(s.receive(sha(zip), zip.length, Readable.from([zip.subarray(1)])), /bytes of/);
    await assert.rejects(s.receive(sha(zip), zip.length - 1, Readable.from([zip])), /more than/);
    assert.deepEqual(readdirSync(join(dir, 'peer', 'blobs')), []);
    assert.deepEqual(s.holds(), []);
    assert.equal(s.open(sha(zip), 1000), undefined);
  });

  it('lets a peer read a zip still arriving, to its last byte', async () => {
    const { store: s } = store();
    const zip = randomBytes(3 * 1024 * 1024);
    const source = new PassThrough();
    const receiving = s.receive(sha(zip), zip.length, source);
    assert.equal(await s.waitFor(sha(zip), 1000), true);
    const reader = s.open(sha(zip), 5000)!;
    assert.equal(reader.size, zip.length);
    const read = collect(reader.stream);
    for (let at = 0; at < zip.length; at += 256 * 1024) {
      source.write(zip.subarray(at, at + 256 * 1024));
      await new Promise((r) => setImmediate(r));
    }
    source.end();
    await receiving;
    assert.deepEqual(await read, zip);
  });

  it('ends a relay with an error when the transfer fails or stalls', async () => {
    const { store: s } = store();
    const zip = randomBytes(100_000);
    const failing = new PassThrough();
    const receiving = s.receive(sha(zip), zip.length, failing);
    const reader = s.open(sha(zip), 5000)!;
    failing.write(zip.subarray(0, 1000));
    failing.destroy(new Error('upstream gone'));
    await assert.rejects(receiving, /upstream gone/);
    await assert.rejects(collect(reader.stream), /relays failed/);
    const stalled = new PassThrough();
    const again = s.receive(sha(zip), zip.length, stalled);
    const slow = s.open(sha(zip), 200)!;
    await assert.rejects(collect(slow.stream), /stalled/);
    stalled.destroy(new Error('done'));
    await assert.rejects(again);
  });

  it('waits a bounded time for a zip it does not have, and keeps only the newest zips', async () => {
    const { store: s } = store({ maxBlobs: 2 });
    assert.equal(await s.waitFor('f'.repeat(64), 50), false);
    const zips = [randomBytes(100), randomBytes(100), randomBytes(100)];
    for (const zip of zips) await s.receive(sha(zip), zip.length, Readable.from([zip]));
    assert.deepEqual(new Set(s.holds()), new Set([sha(zips[1]!), sha(zips[2]!)]));
    assert.equal(existsSync((await s.whole(sha(zips[2]!)))!), true);
    assert.equal(await text(s.open(sha(zips[2]!), 1000)!.stream.setEncoding('latin1')), zips[2]!.toString('latin1'));
    const { store: small } = store({ maxBytes: 150 });
    for (const zip of zips) await small.receive(sha(zip), zip.length, Readable.from([zip]));
    assert.deepEqual(small.holds(), [sha(zips[2]!)], 'bytes bound the store too, but the newest zip stays');
  });
});
