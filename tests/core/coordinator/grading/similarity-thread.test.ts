import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compareSubmissions, type Submission } from '../../../../electron/core/coordinator/grading/similarity.ts';
import { compareSubmissionsOffThread, compareZipsOffThread } from '../../../../electron/core/coordinator/grading/similarity-thread.ts';
import { decodeSource, readSubmissionZip } from '../../../../electron/core/coordinator/grading/similarity-zip.ts';
import { buildZipWithRawName, writeZip, type ZipItem } from '../../../helpers/zip.ts';
import { generateProgram, render } from '../../../helpers/synthetic-code.ts';
import { DISGUISED, ORIGINAL, STARTER, UNRELATED_C, UNRELATED_PY } from './similarity-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'cmdx-similarity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLASS: Submission[] = [
  {
    id: 'ann',
    files: [
      { path: 'ann/util.h', text: STARTER },
      { path: 'ann/main.c', text: ORIGINAL },
    ],
  },
  {
    id: 'bob',
    files: [
      { path: 'bob/util.h', text: STARTER },
      { path: 'bob/main.c', text: DISGUISED },
    ],
  },
  {
    id: 'cai',
    files: [
      { path: 'cai/util.h', text: STARTER },
      { path: 'cai/main.c', text: UNRELATED_C },
    ],
  },
  { id: 'dee', files: [{ path: 'dee/stats.py', text: UNRELATED_PY }] },
];
const EXCLUDE = [{ path: 'util.h', text: STARTER }];

/** A zip of a submission's files, with whatever else students hand in. */
async function zipOf(submission: Submission, extra: ZipItem[] = []): Promise<string> {
  const items: ZipItem[] = [...submission.files.map((f) => ({ name: f.path, content: f.text })), ...extra];
  return writeZip(join(dir, `${submission.id}.zip`), items);
}

describe('the similarity check in a worker thread', () => {
  it('gives the same answer as the direct call', async () => {
    const options = { exclude: EXCLUDE, maxRegions: 5 };
    assert.deepEqual(await compareSubmissionsOffThread(CLASS, options), compareSubmissions(CLASS, options));
  });

  it('reads zips itself: source files only, bounded, unreadable zips and odd entries said in skipped', async () => {
    const junk: ZipItem[] = [
      { name: 'ann/README.md', content: ORIGINAL },
      { name: 'ann/node_modules/lib/index.js', content: UNRELATED_C },
      { name: 'ann/link.c', symlinkTo: '../../etc/passwd' },
      { name: 'ann/huge.c', content: 'int x;\n'.repeat(50_000) },
      { name: 'ann/photo.c', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]) },
      { name: 'ann/src/', dir: true },
    ];
    const zips = [{ id: 'ann', zipPath: await zipOf(CLASS[0]!, junk) }];
    for (const submission of CLASS.slice(1)) zips.push({ id: submission.id, zipPath: await zipOf(submission) });
    writeFileSync(join(dir, 'not-a-zip.zip'), 'hello');
    writeFileSync(join(dir, 'escape.zip'), await buildZipWithRawName('aa/x.c', '../x.c', ORIGINAL));
    zips.push(
      { id: 'fay', zipPath: join(dir, 'not-a-zip.zip') },
      { id: 'gus', zipPath: join(dir, 'escape.zip') },
      { id: 'hal', zipPath: join(dir, 'absent.zip') },
    );

    const result = await compareZipsOffThread(zips, { exclude: EXCLUDE });
    assert.deepEqual(result.pairs, compareSubmissions(CLASS, { exclude: EXCLUDE }).pairs);
    assert.deepEqual(
      result.skipped.map((s) => `${s.id} ${s.path ?? ''}: ${s.reason.replace(/: .*/, '')}`),
      [
        'ann ann/huge.c: larger than 256 KB (342 KB)',
        'ann ann/photo.c: binary content under a source file name',
        'fay : the zip could not be read',
        'gus : the zip could not be read',
        'hal : the zip could not be read',
      ],
    );
    assert.match(result.skipped.find((s) => s.id === 'gus')!.reason, /invalid relative path: \.\.\/x\.c/);
  });

  it('takes the starter and tests from zips too', async () => {
    const zips = await Promise.all(CLASS.map(async (s) => ({ id: s.id, zipPath: await zipOf(s) })));
    const starter = await writeZip(join(dir, 'starter.zip'), [{ name: 'starter/util.h', content: STARTER }]);
    const viaZips = await compareZipsOffThread(zips, { excludeZips: [starter] });
    assert.deepEqual(viaZips, compareSubmissions(CLASS, { exclude: EXCLUDE }));
  });

  it('bounds a zip by entries and by its source size before inflating anything', async () => {
    const zipPath = await zipOf(CLASS[0]!);
    assert.deepEqual((await readSubmissionZip({ id: 'ann', zipPath }, { maxEntries: 1 })).skipped, [
      { id: 'ann', reason: 'the zip has 2 entries; at most 1 are read' },
    ]);
    const small = await readSubmissionZip({ id: 'ann', zipPath }, { maxSubmissionBytes: 1024 });
    assert.equal(small.submission, undefined);
    assert.deepEqual(small.skipped, [{ id: 'ann', reason: 'more than 1 KB of source code; not compared' }]);
    assert.deepEqual((await readSubmissionZip({ id: 'ann', zipPath })).submission, CLASS[0]);
  });

  it('decodes UTF-8 and UTF-16 with a byte order mark, and calls NUL bytes binary', () => {
    assert.equal(decodeSource(Buffer.from('int é = 1;')), 'int é = 1;');
    assert.equal(decodeSource(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('int x;', 'utf16le')])), 'int x;');
    assert.equal(decodeSource(Buffer.from([0x41, 0, 0x42])), undefined);
  });

  it('leaves the event loop free while it compares, and stops when aborted', async () => {
    const big = Array.from({ length: 30 }, (_, i) => ({
      id: `s${i}`,
      files: [{ path: 'main.c', text: render(generateProgram(i + 1, 1500), { names: i + 1, indent: '  ', allman: false, comments: 0 }) }],
    }));
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      longest = Math.max(longest, performance.now() - last);
      last = performance.now();
    }, 5);
    const started = performance.now();
    const result = await compareSubmissionsOffThread(big);
    const took = performance.now() - started;
    clearInterval(timer);
    assert.equal(result.pairs.length > 0 || result.skipped.length === 0, true);
    assert.ok(longest < took / 2, `the longest pause of the event loop was ${Math.round(longest)} ms of ${Math.round(took)} ms`);

    const controller = new AbortController();
    const running = compareSubmissionsOffThread(big, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('teacher cancelled')), 20);
    await assert.rejects(running, /teacher cancelled/);
    assert.deepEqual(await compareSubmissionsOffThread(CLASS.slice(0, 2), { exclude: EXCLUDE }), compareSubmissions(CLASS.slice(0, 2), { exclude: EXCLUDE }));
  });

  it('rejects bad options with the reason, and a thread out of memory without harming the caller', async () => {
    await assert.rejects(compareSubmissionsOffThread(CLASS, { k: 0 }), /k must be a whole number|k and w must be at least 1/);
    const heavy = Array.from({ length: 4 }, (_, i) => ({ id: `h${i}`, files: [{ path: 'a.c', text: UNRELATED_C.repeat(400) }] }));
    await assert.rejects(compareSubmissionsOffThread(heavy, { maxSubmissionBytes: 1 << 30, maxFileBytes: 1 << 30 }, { maxHeapMb: 8 }), /memory limit/);
  });
});
