/** The worker's output pump: one sequence across both streams in the order read, merged small reads, safe resends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputPump, type SendResult } from '../../../electron/core/worker/output-pump.ts';
import type { LogChunk } from '../../../shared/api.ts';

/** A coordinator stand-in that stores chunks by seq (ignoring repeats) and answers the first seq it lacks. */
function fakeCoordinator() {
  const stored = new Map<number, LogChunk>();
  const batches: LogChunk[][] = [];
  let failNext = 0;
  return {
    stored,
    batches,
    failTimes: (n: number) => (failNext = n),
    send: (chunks: LogChunk[]): Promise<SendResult> => {
      batches.push(chunks.map((c) => ({ ...c })));
      for (const c of chunks) if (!stored.has(c.seq)) stored.set(c.seq, { ...c });
      if (failNext-- > 0) return Promise.reject(new Error('the answer was lost'));
      let next = 0;
      while (stored.has(next)) next++;
      return Promise.resolve({ cancel: false, next });
    },
  };
}

describe('output pump', () => {
  it('numbers chunks of both streams with one sequence in the order they were read, each with its time', async () => {
    const c = fakeCoordinator();
    let now = 1000;
    const pump = new OutputPump({ send: c.send, isFinal: () => false, maxBytesPerStream: 1 << 20, now: () => (now += 500) });
    void pump.write('stdout', Buffer.from('starting\n'));
    void pump.write('stderr', Buffer.from('oops\n'));
    void pump.write('stdout', Buffer.from('finished\n'));
    await pump.close();
    assert.deepEqual(
      [...c.stored.values()].map((x) => [x.seq, x.stream, x.data, x.time]),
      [
        [0, 'stdout', 'starting\n', 1500],
        [1, 'stderr', 'oops\n', 2000],
        [2, 'stdout', 'finished\n', 2500],
      ],
    );
  });

  it('sends small reads of one stream in a row as one chunk, and starts at the seq it is given', async () => {
    const c = fakeCoordinator();
    const pump = new OutputPump({ send: c.send, isFinal: () => false, maxBytesPerStream: 1 << 20, firstSeq: 7, now: () => 1 });
    for (let i = 0; i < 100; i++) void pump.write('stdout', Buffer.from(`line ${i}\n`));
    void pump.write('stderr', Buffer.from('err\n'));
    await pump.close();
    const chunks = [...c.stored.values()];
    assert.deepEqual(
      chunks.map((x) => [x.seq, x.stream]),
      [
        [7, 'stdout'],
        [8, 'stderr'],
      ],
    );
    assert.equal(chunks[0]!.data, Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
  });

  it("keeps the first read's time for reads of one stream that join its chunk, for at most a quarter of a second", async () => {
    const c = fakeCoordinator();
    const reads = [1000, 1100, 1250, 1260];
    const pump = new OutputPump({ send: c.send, isFinal: () => false, maxBytesPerStream: 1 << 20, now: () => reads.shift()! });
    for (const line of ['a\n', 'b\n', 'c\n', 'd\n']) void pump.write('stdout', Buffer.from(line));
    await pump.close();
    assert.deepEqual(
      [...c.stored.values()].map((x) => [x.data, x.time]),
      [
        ['a\nb\nc\n', 1000],
        ['d\n', 1260],
      ],
    );
  });

  it('resends a batch whose answer was lost with the same text, so nothing written meanwhile is lost to the repeat', async () => {
    const c = fakeCoordinator();
    c.failTimes(1);
    const pump = new OutputPump({ send: c.send, isFinal: () => false, maxBytesPerStream: 1 << 20, now: () => 1 });
    void pump.write('stdout', Buffer.from('a'));
    const flushing = pump.flush();
    void pump.write('stdout', Buffer.from('b')); // written while "a" is on its way: must not join it
    await flushing;
    await pump.close();
    assert.equal([...c.stored.values()].map((x) => x.data).join(''), 'ab');
    assert.deepEqual(c.batches[1]![0], c.batches[0]![0], 'the resend is the same chunk');
  });

  it('notices when the coordinator is missing an earlier chunk', async () => {
    const gaps: [number, number][] = [];
    const pump = new OutputPump({
      send: (chunks) => Promise.resolve({ cancel: false, next: chunks[0]!.seq === 0 ? 0 : 1 }),
      isFinal: () => false,
      maxBytesPerStream: 1 << 20,
      onGap: (expected, next) => gaps.push([expected, next]),
    });
    void pump.write('stdout', Buffer.from('x'));
    await pump.close();
    assert.deepEqual(gaps, [[1, 0]]);
  });
});
