/** Packing a project folder for `cmdx submit`: what git would send, inside one top folder, streamed to a zip on disk. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import yauzl from 'yauzl';
import { packFolder, projectFiles } from '../../../electron/core/client/pack.ts';
import { extractBundle } from '../../../electron/core/runner/bundle.ts';
import { tempDir } from '../../helpers/coordinator.ts';

/** Writes `files` (path → content) under a new folder named `name`; returns its path. */
function project(files: Record<string, string>, name = 'proj'): string {
  const root = join(tempDir('cmdx-pack-'), name);
  mkdirSync(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function paths(root: string): Promise<string[]> {
  return (await projectFiles(root)).files.map((f) => f.path);
}

function zipEntries(zipPath: string): Promise<{ name: string; mode: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries: { name: string; mode: number }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({ name: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0o777 });
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('the project packer', () => {
  it('honours the top .gitignore: files, folders (build/), globs (*.log) and negations (!keep.log)', async () => {
    const root = project({
      '.gitignore': '# comment\nsecret.txt\nbuild/\n*.log\n!keep.log\n/only-top.txt\n',
      'a.txt': '',
      'secret.txt': '',
      'build/out.js': '',
      'src/build/inner.js': '',
      'debug.log': '',
      'keep.log': '',
      'only-top.txt': '',
      'src/only-top.txt': '',
    });
    assert.deepEqual(await paths(root), ['.gitignore', 'a.txt', 'keep.log', 'src/only-top.txt']);
  });

  it('lets a deeper .gitignore override a higher one, relative to its own folder', async () => {
    const root = project({
      '.gitignore': '*.log\n',
      'top.log': '',
      'sub/.gitignore': '!wanted.log\nlocal.txt\n',
      'sub/wanted.log': '',
      'sub/other.log': '',
      'sub/local.txt': '',
      'local.txt': '',
    });
    assert.deepEqual(await paths(root), ['.gitignore', 'local.txt', 'sub/.gitignore', 'sub/wanted.log']);
  });

  it('never re-includes a file inside an ignored folder (as git)', async () => {
    const root = project({ '.gitignore': 'out/\n!out/keep.txt\n', 'out/keep.txt': '', 'x.txt': '' });
    assert.deepEqual(await paths(root), ['.gitignore', 'x.txt']);
  });

  it('always leaves out node_modules and .git, at any depth, with or without a .gitignore', async () => {
    const root = project({
      'node_modules/a/index.js': '',
      '.git/HEAD': '',
      'packages/lib/node_modules/b/index.js': '',
      'packages/lib/index.js': '',
      'vendor/.git/config': '',
      'vendor/v.js': '',
    });
    assert.deepEqual(await paths(root), ['packages/lib/index.js', 'vendor/v.js']);
  });

  it('keeps links that stay inside the folder and says which ones it left out', async () => {
    const root = project({ 'data/real.txt': 'x' });
    symlinkSync('data/real.txt', join(root, 'inside'));
    symlinkSync('../../etc/passwd', join(root, 'data/outside'));
    symlinkSync('/etc/passwd', join(root, 'absolute'));
    const { files, notes } = await projectFiles(root);
    assert.deepEqual(files, [{ path: 'data/real.txt' }, { path: 'inside', link: 'data/real.txt' }]);
    assert.deepEqual(notes, [
      'left out the link absolute -> /etc/passwd: it points outside the folder',
      'left out the link data/outside -> ../../etc/passwd: it points outside the folder',
    ]);
  });

  it('zips into one top folder named after the project, keeps the executable bit, and the worker unpacks it to run inside', async () => {
    const root = project({ '.gitignore': 'ignored.txt\n', 'run.sh': '#!/bin/sh\necho hi\n', 'ignored.txt': '', 'src/a.txt': 'a' }, 'my-app');
    chmodSync(join(root, 'run.sh'), 0o755);
    const packed = await packFolder(root);
    try {
      assert.equal(packed.files, 3);
      const entries = await zipEntries(packed.zipPath);
      assert.deepEqual(
        entries.map((e) => e.name),
        ['my-app/', 'my-app/.gitignore', 'my-app/run.sh', 'my-app/src/a.txt'],
      );
      assert.equal(entries.find((e) => e.name === 'my-app/run.sh')!.mode, 0o755);
      const unpacked = await extractBundle(packed.zipPath, join(tempDir(), 'job'), { maxBytes: 1024 * 1024, maxEntries: 100 });
      assert.match(unpacked.runDir, /\/job\/my-app$/);
    } finally {
      await packed.cleanup();
    }
  });

  it('packs an empty folder into a zip with only its top folder', async () => {
    const packed = await packFolder(project({}, 'empty'));
    try {
      assert.equal(packed.files, 0);
      assert.deepEqual(
        (await zipEntries(packed.zipPath)).map((e) => e.name),
        ['empty/'],
      );
    } finally {
      await packed.cleanup();
    }
  });
});
