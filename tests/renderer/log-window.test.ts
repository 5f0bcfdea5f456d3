/** The log viewer's window: bounded, deduplicated by seq, keeping the end the user is at. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogEntry } from '../../shared/api.ts';
import { LogWindow } from '../../renderer/components/log-view/log-window.ts';

const chunks = (from: number, to: number): LogEntry[] =>
  Array.from({ length: to - from }, (_, i) => ({ seq: from + i, stream: 'stdout' as const, time: 0, data: `line ${from + i}\n` }));
const seqs = (w: LogWindow) => w.chunks.map((c) => c.seq);

describe('log window', () => {
  it('keeps the newest end of a tail that does not fit, and says older output exists', () => {
    const w = new LogWindow({ chars: 1e9, rows: 10 });
    w.replace({ chunks: chunks(0, 25), older: false });
    assert.deepEqual(seqs(w), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    assert.equal(w.older, true);
  });

  it('ignores live chunks it already holds (sent again after a reconnect)', () => {
    const w = new LogWindow({ chars: 1e9, rows: 100 });
    w.replace({ chunks: chunks(0, 5), older: false });
    assert.deepEqual(
      w.append([...chunks(3, 8)]).map((c) => c.seq),
      [5, 6, 7],
    );
    assert.deepEqual(
      w.after(5).map((c) => c.seq),
      [6, 7],
    );
  });

  it('while the user reads back, keeps the part being read and stops taking live chunks that do not fit', () => {
    const w = new LogWindow({ chars: 1e9, rows: 10 });
    w.replace({ chunks: chunks(0, 8), older: false });
    assert.deepEqual(
      w.append(chunks(8, 12), 'oldest').map((c) => c.seq),
      [8, 9],
    );
    assert.equal(w.newer, true);
    assert.deepEqual(w.append(chunks(12, 13)), [], 'nothing is added past a gap');
    assert.equal(w.firstSeq, 0);
  });

  it('on reading back keeps context on both sides of the old first chunk and lets the newest end go', () => {
    const w = new LogWindow({ chars: 1e9, rows: 10 });
    w.replace({ chunks: chunks(90, 100), older: true });
    w.prepend({ chunks: chunks(70, 90), older: true });
    assert.deepEqual(seqs(w), [85, 86, 87, 88, 89, 90, 91, 92, 93, 94]);
    assert.equal(w.older, true);
    assert.equal(w.newer, true, 'the newest chunks are no longer held');
  });

  it('says there is nothing older once an empty page comes back', () => {
    const w = new LogWindow({ chars: 1e9, rows: 100 });
    w.replace({ chunks: chunks(5, 10), older: true });
    w.prepend({ chunks: [], older: false });
    assert.equal(w.older, false);
    assert.deepEqual(seqs(w), [5, 6, 7, 8, 9]);
  });
});
