/** The run page's line diff: shortest edits, both texts rebuilt from it, bounded work, and context rows for display. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines, diffRows, type DiffLine } from '../../renderer/lib/line-diff.ts';
import { outputLines } from '../../renderer/lib/plain-text.ts';

const rebuild = (diff: DiffLine[]) => ({
  a: diff.filter((l) => l.kind !== 'add').map((l) => l.text),
  b: diff.filter((l) => l.kind !== 'del').map((l) => l.text),
});
const edits = (diff: DiffLine[]) => diff.filter((l) => l.kind !== 'same').length;

/** The length of the longest common subsequence, by the textbook table (small inputs only). */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = up;
    }
  }
  return row[b.length]!;
}

/** A tiny seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('line diff', () => {
  it('marks one changed line as a deletion and an addition between unchanged lines', () => {
    assert.deepEqual(diffLines(['a', 'b', 'c'], ['a', 'B', 'c']), [
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'add', text: 'B' },
      { kind: 'same', text: 'c' },
    ]);
  });

  it('handles empty texts, identical texts, and lines only added or only removed at either end', () => {
    assert.deepEqual(diffLines([], []), []);
    assert.deepEqual(diffLines(['x'], ['x']), [{ kind: 'same', text: 'x' }]);
    assert.deepEqual(diffLines([], ['x', 'y']), [
      { kind: 'add', text: 'x' },
      { kind: 'add', text: 'y' },
    ]);
    assert.deepEqual(diffLines(['x', 'y'], []), [
      { kind: 'del', text: 'x' },
      { kind: 'del', text: 'y' },
    ]);
    assert.deepEqual(diffLines(['b', 'c'], ['a', 'b', 'c', 'd']), [
      { kind: 'add', text: 'a' },
      { kind: 'same', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
  });

  it('always rebuilds both texts and edits as few lines as the longest common subsequence allows (200 random pairs)', () => {
    const next = random(7);
    const words = ['a', 'b', 'c', 'd'];
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(next() * 30) }, () => words[Math.floor(next() * words.length)]!);
      const b = Array.from({ length: Math.floor(next() * 30) }, () => words[Math.floor(next() * words.length)]!);
      const diff = diffLines(a, b);
      assert.ok(diff, `round ${round}`);
      assert.deepEqual(rebuild(diff), { a, b }, `round ${round}`);
      assert.equal(edits(diff), a.length + b.length - 2 * lcs(a, b), `round ${round}: not the shortest edit`);
    }
  });

  it('finds a few changes in long outputs without searching the common start and end', () => {
    const a = Array.from({ length: 15_000 }, (_, i) => `line ${i}`);
    const b = [...a];
    b[7_000] = 'changed';
    b.splice(12_000, 0, 'inserted');
    const diff = diffLines(a, b)!;
    assert.equal(edits(diff), 3);
    assert.deepEqual(rebuild(diff), { a, b });
  });

  it('gives up (null) past its limits instead of freezing the page', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`);
    assert.equal(diffLines(a, b, { maxLines: 1000, maxEdits: 99 }), null, '100 edits needed');
    assert.equal(diffLines(a, b, { maxLines: 1000, maxEdits: 100 })?.length, 100);
    assert.equal(diffLines(a, b, { maxLines: 49, maxEdits: 1000 }), null, 'too many lines');
  });
});

describe('diff rows', () => {
  it('keeps three lines of context around each change, numbers lines in both texts, and folds the rest', () => {
    const a = Array.from({ length: 20 }, (_, i) => `${i + 1}`);
    const b = [...a];
    b[9] = 'ten';
    const rows = diffRows(diffLines(a, b)!);
    assert.deepEqual(rows[0], { kind: 'skip', count: 6 });
    assert.deepEqual(rows[1], { kind: 'same', text: '7', oldLine: 7, newLine: 7 });
    assert.deepEqual(
      rows.filter((r) => r.kind === 'del' || r.kind === 'add'),
      [
        { kind: 'del', text: '10', oldLine: 10, newLine: null },
        { kind: 'add', text: 'ten', oldLine: null, newLine: 10 },
      ],
    );
    assert.deepEqual(rows.at(-1), { kind: 'skip', count: 7 });
    assert.equal(rows.length, 1 + 3 + 2 + 3 + 1);
  });

  it('shows nothing but one fold for identical texts', () => {
    assert.deepEqual(diffRows(diffLines(['a', 'b'], ['a', 'b'])!), [{ kind: 'skip', count: 2 }]);
  });
});

describe('output lines', () => {
  it('drops colour and cursor codes, applies \\r redraws and CRLF, and adds no line for the final newline', () => {
    assert.deepEqual(outputLines('\x1b[32mok\x1b[0m\r\nprogress 10%\rprogress 99%\n\x1b]0;title\x07done\n'), ['ok', 'progress 99%', 'done']);
    assert.deepEqual(outputLines(''), []);
    assert.deepEqual(outputLines('no newline'), ['no newline']);
  });
});
