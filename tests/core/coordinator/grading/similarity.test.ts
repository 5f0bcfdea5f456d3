import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareSubmissions, type SimilarPair, type Submission } from '../../../../electron/core/coordinator/grading/similarity.ts';
import { DISGUISED, lineOf, ORIGINAL, STARTER, UNRELATED_C, UNRELATED_PY } from './similarity-fixtures.ts';

const submission = (id: string, main: string, path = 'main.c'): Submission => ({
  id,
  files: [
    { path: `${id}/util.h`, text: STARTER },
    { path: `${id}/${path}`, text: main },
    { path: `${id}/README.md`, text: ORIGINAL }, // not source: never compared
  ],
});

const CLASS = [submission('ann', ORIGINAL), submission('bob', DISGUISED), submission('cai', UNRELATED_C), submission('dee', UNRELATED_PY, 'stats.py')];
const EXCLUDE = [{ path: 'util.h', text: STARTER }];

const pairOf = (pairs: SimilarPair[], a: string, b: string) => pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));

describe('compareSubmissions', () => {
  it('ranks a disguised copy (renamed, reformatted, recommented, reordered) first with a high ratio, unrelated work low', () => {
    const { pairs, skipped } = compareSubmissions(CLASS, { exclude: EXCLUDE });
    assert.deepEqual(skipped, []);
    assert.equal(`${pairs[0]!.a}-${pairs[0]!.b}`, 'ann-bob');
    assert.ok(pairs[0]!.ratio > 0.85, `copy ratio ${pairs[0]!.ratio}`);
    assert.ok(pairs[0]!.sharedFingerprints > 50);
    for (const [a, b] of [
      ['ann', 'cai'],
      ['bob', 'cai'],
      ['ann', 'dee'],
      ['cai', 'dee'],
    ]) {
      assert.ok((pairOf(pairs, a!, b!)?.ratio ?? 0) < 0.15, `${a}-${b}: ${pairOf(pairs, a!, b!)?.ratio}`);
    }
  });

  it('does not count the excluded starter code, and skips a submission that is only starter code', () => {
    const starterOnly: Submission = { id: 'eve', files: [{ path: 'eve/util.h', text: STARTER }] };
    const without = compareSubmissions([...CLASS, starterOnly], {});
    const withExclude = compareSubmissions([...CLASS, starterOnly], { exclude: EXCLUDE });
    assert.ok(pairOf(without.pairs, 'ann', 'cai')!.ratio > 0.2, 'the starter alone makes unrelated work look alike');
    assert.equal(pairOf(without.pairs, 'ann', 'eve')?.ratio, 1, 'a student who handed in the starter contains nothing else');
    assert.ok((pairOf(withExclude.pairs, 'ann', 'cai')?.ratio ?? 0) < 0.15);
    assert.equal(pairOf(withExclude.pairs, 'ann', 'eve'), undefined);
    assert.deepEqual(withExclude.skipped, [{ id: 'eve', reason: 'nothing beyond the excluded (starter or test) files' }]);
    const copy = pairOf(withExclude.pairs, 'ann', 'bob')!;
    assert.ok(copy.sharedFingerprints < pairOf(without.pairs, 'ann', 'bob')!.sharedFingerprints);
    assert.ok(
      copy.regions.every((r) => !r.aPath.endsWith('util.h') && !r.bPath.endsWith('util.h')),
      'no region in the starter file',
    );
  });

  it('drops fingerprints most submissions share as boilerplate, as MOSS does', () => {
    const many = Array.from({ length: 12 }, (_, i) => submission(`s${i}`, i % 2 ? UNRELATED_C : UNRELATED_PY, i % 2 ? 'main.c' : 'stats.py'));
    // Without an exclude list the starter is in all 12: more than max(5, 10 %) of them, so it counts for none.
    const { pairs } = compareSubmissions([...many, submission('ann', ORIGINAL)], { maxShare: 0.1 });
    const annAndC = pairOf(pairs, 'ann', 's1');
    assert.ok((annAndC?.ratio ?? 0) < 0.15, `ann-s1 ${annAndC?.ratio}`);
    // Six identical C solutions are also boilerplate at this size; with a higher share they are copies again.
    assert.ok((pairOf(pairs, 's1', 's3')?.ratio ?? 0) < 0.5);
    assert.equal(pairOf(compareSubmissions(many, { maxShare: 0.6 }).pairs, 's1', 's3')?.ratio, 1);
  });

  it('reports where the copy is: the copied function, on its lines in both files', () => {
    const histogram = ORIGINAL.split('\n').slice(lineOf(ORIGINAL, 'static void histogram') - 1, lineOf(ORIGINAL, 'int main') - 1);
    const pasted = `${UNRELATED_C}\n${histogram.join('\n')}`;
    const from = lineOf(pasted, 'static void histogram');
    const { pairs } = compareSubmissions([submission('ann', ORIGINAL), submission('cai', pasted)], { exclude: EXCLUDE });
    assert.equal(pairs.length, 1);
    const [region] = pairs[0]!.regions;
    const aFrom = lineOf(ORIGINAL, 'static void histogram');
    assert.deepEqual({ aPath: region!.aPath, bPath: region!.bPath }, { aPath: 'ann/main.c', bPath: 'cai/main.c' });
    // A match may start in the tail of the statement before (`; }` are the same tokens in both), and ends within a window of the end.
    const near = (got: [number, number], start: number, end: number) => got[0] >= start - 3 && got[0] <= start + 1 && got[1] >= end - 3 && got[1] <= end;
    assert.ok(near(region!.aLines, aFrom, aFrom + histogram.length - 2), `a ${region!.aLines.join('-')} for ${aFrom}..${aFrom + histogram.length - 2}`);
    assert.ok(near(region!.bLines, from, from + histogram.length - 2), `b ${region!.bLines.join('-')} for ${from}..${from + histogram.length - 2}`);
  });

  it('maps each reordered function of the disguised copy to its place in the original', () => {
    const { pairs } = compareSubmissions(CLASS, { exclude: EXCLUDE });
    const regions = pairs[0]!.regions;
    const find = (aMarker: string, bMarker: string) =>
      regions.some(
        (r) =>
          Math.abs(r.aLines[0] - lineOf(ORIGINAL, aMarker)) <= 4 && Math.abs(r.bLines[0] - lineOf(DISGUISED, bMarker)) <= 4 && r.aLines[1] - r.aLines[0] >= 6,
      );
    assert.ok(find('binary_search(const', 'static int find'), JSON.stringify(regions));
    assert.ok(find('static void histogram', 'static void bars'), JSON.stringify(regions));
    assert.ok(find('int main', 'int main'), JSON.stringify(regions));
  });

  it('keeps to its bounds: pairs, ratio floor, regions, file and submission sizes, binaries, repeated ids', () => {
    const big = { path: 'gen.c', text: 'int x = 1;\n'.repeat(3000) };
    const bin = { path: 'blob.c', text: 'int\0\0\0' };
    const heavy: Submission = {
      id: 'hal',
      files: [
        { path: 'a.c', text: ORIGINAL },
        { path: 'b.c', text: DISGUISED },
      ],
    };
    const input = [...CLASS, { id: 'fay', files: [{ path: 'main.c', text: ORIGINAL }, big, bin] }, heavy, submission('ann', UNRELATED_C)];
    const limits = { exclude: EXCLUDE, maxFileBytes: 8 * 1024, maxSubmissionBytes: 3000, topPairs: 2, maxRegions: 1 };
    const { pairs, skipped } = compareSubmissions(input, limits);
    assert.deepEqual(skipped, [
      { id: 'fay', path: 'gen.c', reason: 'larger than 8 KB (32 KB): generated or data, not compared' },
      { id: 'fay', path: 'blob.c', reason: 'binary content under a source file name' },
      { id: 'hal', reason: 'more than 3 KB of source code; not compared' },
      { id: 'ann', reason: 'the same id appears twice; only the first is compared' },
    ]);
    assert.equal(pairs.length, 2);
    assert.ok(pairs.every((p) => p.regions.length === 1));
    assert.deepEqual(pairs.map((p) => [p.a, p.b]).sort(), [
      ['ann', 'bob'],
      ['ann', 'fay'],
    ]);
    assert.deepEqual(
      compareSubmissions(CLASS, { exclude: EXCLUDE, minRatio: 0.5 }).pairs.map((p) => `${p.a}-${p.b}`),
      ['ann-bob'],
    );
    assert.throws(() => compareSubmissions(CLASS, { k: 0 }), RangeError);
  });

  it('skips a submission with no source files or too little code, and compares across languages without matching them', () => {
    const { pairs, skipped } = compareSubmissions([
      { id: 'doc', files: [{ path: 'notes.md', text: ORIGINAL }] },
      { id: 'tiny', files: [{ path: 'a.py', text: 'print(1)\n' }] },
      submission('dee', UNRELATED_PY, 'stats.py'),
    ]);
    assert.deepEqual(pairs, []);
    assert.deepEqual(skipped, [
      { id: 'doc', reason: 'no source files to compare' },
      { id: 'tiny', reason: 'fewer than 15 tokens of code' },
    ]);
  });
});
