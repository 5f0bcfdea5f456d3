/**
 * The hidden tests laid over a student's project on real folders: the teacher's files win, a student's
 * links are replaced and never followed, nothing outside the run folder changes, the limits hold.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { overlayHiddenTests, overlayNote } from '../../../electron/core/worker/hidden-tests.ts';
import { JobStop } from '../../../electron/core/worker/stop-cause.ts';
import { tempDir } from '../../helpers/coordinator.ts';
import { writeZip, type ZipItem } from '../../helpers/zip.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxEntries: 100 };
const SYMLINKS = process.platform !== 'win32';
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A job folder as the worker has it: the student's project in files/proj, a sibling, and a folder outside. */
function setup(student: Record<string, string | { link: string } | { dir: true }>) {
  const root = tempDir('cmdx-hidden-');
  roots.push(root);
  const jobDir = join(root, 'job');
  const runDir = join(jobDir, 'files', 'proj');
  const outside = join(root, 'outside');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside');
  writeFileSync(join(jobDir, 'files', 'sibling.txt'), 'sibling');
  for (const [name, what] of Object.entries(student)) {
    const path = join(runDir, name);
    if (typeof what === 'string') writeFileSync(path, what);
    else if ('link' in what) symlinkSync(what.link, path);
    else mkdirSync(path, { recursive: true });
  }
  return { root, jobDir, runDir, outside, scratch: join(jobDir, 'hidden-tests') };
}

async function overlay(s: ReturnType<typeof setup>, items: ZipItem[], limits = LIMITS) {
  const zip = await writeZip(join(s.root, 'tests.zip'), items);
  return overlayHiddenTests(zip, s.runDir, s.scratch, limits);
}

/** Every path under `dir` with what it is: a file's contents and mode, a link's target, a folder. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    const key = prefix + name;
    if (stats.isSymbolicLink()) out[key] = `link -> ${readlinkSync(path)}`;
    else if (stats.isDirectory()) Object.assign(out, { [key]: 'dir' }, snapshot(path, `${key}/`));
    else out[key] = `file ${(stats.mode & 0o777).toString(8)} ${readFileSync(path, 'utf8')}`;
  }
  return out;
}

function assertOutsideUntouched(s: ReturnType<typeof setup>) {
  assert.deepEqual(snapshot(s.outside), { 'secret.txt': 'file 644 outside' });
  assert.equal(readFileSync(join(s.jobDir, 'files', 'sibling.txt'), 'utf8'), 'sibling');
  assert.equal(existsSync(s.scratch), false, 'the private extraction folder is gone');
}

function assertRealFile(path: string, content: string) {
  assert.ok(lstatSync(path).isFile(), `${path} is a real file`);
  assert.equal(readFileSync(path, 'utf8'), content);
}

describe('hidden tests over the project', () => {
  it("replaces the student's file of the same name and keeps the layout relative to the project's root", async () => {
    const s = setup({ tests: { dir: true }, 'tests/test_sort.py': 'student wrote this', 'sort.py': 'def sort(): ...' });
    const summary = await overlay(s, [
      { name: 'tests/test_sort.py', content: 'hidden test' },
      { name: 'tests/data/cases.txt', content: '3 1 2' },
      { name: 'run_tests.sh', content: 'pytest', mode: 0o100755 },
    ]);
    assert.deepEqual(summary, { files: 3, replaced: 1 });
    assert.equal(overlayNote(summary), "hidden tests: 3 files unpacked over the project (1 replaced the project's own)");
    assert.deepEqual(snapshot(s.runDir), {
      'run_tests.sh': 'file 755 pytest',
      'sort.py': 'file 644 def sort(): ...',
      tests: 'dir',
      'tests/data': 'dir',
      'tests/data/cases.txt': 'file 644 3 1 2',
      'tests/test_sort.py': 'file 644 hidden test',
    });
    assertOutsideUntouched(s);
  });

  it("replaces a student's link to a folder (tests -> .) instead of writing through it", { skip: !SYMLINKS }, async () => {
    const s = setup({ 'mine.py': 'student code', 'test_sort.py': 'student root file', tests: { link: '.' } });
    const summary = await overlay(s, [{ name: 'tests/test_sort.py', content: 'hidden test' }]);
    assert.deepEqual(summary, { files: 1, replaced: 0 });
    assert.ok(lstatSync(join(s.runDir, 'tests')).isDirectory(), 'tests is a real folder now');
    assertRealFile(join(s.runDir, 'tests', 'test_sort.py'), 'hidden test');
    assertRealFile(join(s.runDir, 'test_sort.py'), 'student root file');
    assertRealFile(join(s.runDir, 'mine.py'), 'student code');
    assertOutsideUntouched(s);
  });

  it("replaces a student's link to a file (tests/test_x.py -> ../mine.py) and leaves mine.py as it was", { skip: !SYMLINKS }, async () => {
    const s = setup({ 'mine.py': 'student code', tests: { dir: true }, 'tests/test_x.py': { link: '../mine.py' } });
    const summary = await overlay(s, [{ name: 'tests/test_x.py', content: 'hidden test' }]);
    assert.deepEqual(summary, { files: 1, replaced: 1 });
    assertRealFile(join(s.runDir, 'tests', 'test_x.py'), 'hidden test');
    assertRealFile(join(s.runDir, 'mine.py'), 'student code');
    assertOutsideUntouched(s);
  });

  it('never follows links out of the run folder, to a folder or to a file', { skip: !SYMLINKS }, async () => {
    const s = setup({});
    symlinkSync(s.outside, join(s.runDir, 'tests'));
    symlinkSync(join(s.outside, 'secret.txt'), join(s.runDir, 'conftest.py'));
    symlinkSync('../sibling.txt', join(s.runDir, 'setup.cfg'));
    const summary = await overlay(s, [
      { name: 'tests/secret.txt', content: 'hidden' },
      { name: 'conftest.py', content: 'hidden conftest' },
      { name: 'setup.cfg', content: 'hidden cfg' },
    ]);
    assert.deepEqual(summary, { files: 3, replaced: 2 });
    assertRealFile(join(s.runDir, 'tests', 'secret.txt'), 'hidden');
    assertRealFile(join(s.runDir, 'conftest.py'), 'hidden conftest');
    assertRealFile(join(s.runDir, 'setup.cfg'), 'hidden cfg');
    assertOutsideUntouched(s);
  });

  it("replaces a student's folder where a hidden file goes, and a student's file where a hidden folder goes", async () => {
    const s = setup({ 'tests/test_sort.py': { dir: true }, 'tests/test_sort.py/inner.txt': 'student', data: 'a file' });
    const summary = await overlay(s, [
      { name: 'tests/test_sort.py', content: 'hidden test' },
      { name: 'data/cases.txt', content: 'cases' },
    ]);
    assert.deepEqual(summary, { files: 2, replaced: 1 });
    assert.deepEqual(snapshot(s.runDir), {
      data: 'dir',
      'data/cases.txt': 'file 644 cases',
      tests: 'dir',
      'tests/test_sort.py': 'file 644 hidden test',
    });
    assertOutsideUntouched(s);
  });

  it('refuses a tests zip over the byte or entry limit and leaves the project as it was', async () => {
    const s = setup({ 'mine.py': 'student code', tests: { dir: true }, 'tests/test_x.py': 'student test' });
    const before = snapshot(s.runDir);
    const big = [{ name: 'tests/test_x.py', content: Buffer.alloc(2048, 'x') }];
    await assert.rejects(
      overlay(s, big, { maxBytes: 1024, maxEntries: 100 }),
      (e: Error) => e instanceof JobStop && e.reason === 'zip_refused' && /^The hidden tests zip was refused: The zip unpacks to more than/.test(e.message),
    );
    const many = Array.from({ length: 5 }, (_, i) => ({ name: `tests/t${i}.py`, content: 'x' }));
    await assert.rejects(overlay(s, many, { maxBytes: 1024, maxEntries: 4 }), (e: Error) => e instanceof JobStop && /5 entries/.test(e.message));
    assert.deepEqual(snapshot(s.runDir), before);
    assertOutsideUntouched(s);
  });

  it('keeps a link of the tests zip a link, pointing where the teacher said', { skip: !SYMLINKS }, async () => {
    const s = setup({ 'mine.py': 'student code' });
    const summary = await overlay(s, [
      { name: 'tests/fixtures/real.txt', content: 'fixture' },
      { name: 'tests/current.txt', symlinkTo: 'fixtures/real.txt' },
    ]);
    assert.deepEqual(summary, { files: 2, replaced: 0 });
    assert.equal(readlinkSync(join(s.runDir, 'tests', 'current.txt')), 'fixtures/real.txt');
    assert.equal(readFileSync(join(s.runDir, 'tests', 'current.txt'), 'utf8'), 'fixture');
    assertOutsideUntouched(s);
  });

  it('says what it did in counts only', () => {
    assert.equal(overlayNote({ files: 1, replaced: 0 }), 'hidden tests: 1 file unpacked over the project');
    assert.equal(overlayNote({ files: 2, replaced: 2 }), "hidden tests: 2 files unpacked over the project (2 replaced the project's own)");
  });
});
