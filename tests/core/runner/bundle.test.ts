import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BundleError, extractBundle } from '../../../electron/core/runner/bundle.ts';
import { tempDir } from '../../helpers/coordinator.ts';
import { buildZip, buildZipWithRawName, writeZip, type ZipItem } from '../../helpers/zip.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxEntries: 100 };

/** A sandbox with a zip, an extraction target and a sentinel folder outside it that must stay untouched. */
async function setup(items: ZipItem[] | Buffer) {
  const root = tempDir();
  const outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'file'), 'original');
  const zip = join(root, 'job.zip');
  if (Buffer.isBuffer(items)) writeFileSync(zip, items);
  else await writeZip(zip, items);
  return { root, outside, zip, dest: join(root, 'job') };
}

function assertUntouched(s: { outside: string; dest: string }) {
  assert.deepEqual(readdirSync(s.outside), ['file']);
  assert.equal(readFileSync(join(s.outside, 'file'), 'utf8'), 'original');
  assert.equal(existsSync(s.dest), false, 'a failed extraction leaves nothing behind');
}

describe('safe zip extraction', () => {
  it('extracts a project and runs inside its single top folder', async () => {
    const s = await setup([
      { name: 'proj-main/src/a.txt', content: 'A' },
      { name: 'proj-main/run.sh', content: 'echo', mode: 0o100755 },
    ]);
    const result = await extractBundle(s.zip, s.dest, LIMITS);
    assert.equal(result.runDir, join(s.dest, 'proj-main'));
    assert.equal(readFileSync(join(s.dest, 'proj-main/src/a.txt'), 'utf8'), 'A');
    assert.equal(lstatSync(join(s.dest, 'proj-main/run.sh')).mode & 0o111, 0o111, 'keeps the executable bit');
  });

  it('runs in the folder itself when the zip has several top entries', async () => {
    const s = await setup([
      { name: 'a.txt', content: 'A' },
      { name: 'b/c.txt', content: 'C' },
    ]);
    assert.equal((await extractBundle(s.zip, s.dest, LIMITS)).runDir, s.dest);
  });

  it('refuses entries with .. segments', async () => {
    const s = await setup(await buildZipWithRawName('xx/outside/file', '../outside/file'.slice(0, 15)));
    await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), (e: Error) => e instanceof BundleError && /climbs out of its folder/.test(e.message));
    assertUntouched(s);
  });

  it('refuses absolute entries', async () => {
    const s = await setup(await buildZipWithRawName('tmp/evil.txt', '/tmp/evil.tx'));
    await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), /absolute path/);
    assertUntouched(s);
  });

  it('refuses a symlink to a file outside followed by an entry writing through it', async () => {
    const s = await setup([]);
    await writeZip(s.zip, [
      { name: 'f', symlinkTo: join(s.outside, 'file') },
      { name: 'f', content: 'pwned' },
    ]);
    await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), /points outside the job folder/);
    assertUntouched(s);
  });

  it('refuses a relative symlink that climbs out, and entries under a symlinked folder', async () => {
    for (const items of [
      [{ name: 'd/link', symlinkTo: '../../outside' }],
      [
        { name: 'a', symlinkTo: '.' },
        { name: 'b', symlinkTo: 'a/../x' },
      ],
      [
        { name: 'd', symlinkTo: 'sub' },
        { name: 'sub/', dir: true as const },
        { name: 'd/x', content: 'through the link' },
      ],
      [
        { name: 'F', symlinkTo: 'target' },
        { name: 'f', content: 'same name on a case-insensitive disk' },
      ],
    ] as ZipItem[][]) {
      const s = await setup(items);
      await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), BundleError, JSON.stringify(items));
      assertUntouched(s);
    }
  });

  it('keeps symlinks that point inside the folder', async () => {
    const s = await setup([
      { name: 'real.txt', content: 'R' },
      { name: 'lib/link.txt', symlinkTo: '../real.txt' },
    ]);
    await extractBundle(s.zip, s.dest, LIMITS);
    assert.equal(readlinkSync(join(s.dest, 'lib/link.txt')), '../real.txt');
    assert.equal(readFileSync(join(s.dest, 'lib/link.txt'), 'utf8'), 'R');
  });

  it('refuses a zip bomb over the size limit before writing anything', async () => {
    const s = await setup([{ name: 'zeros.bin', content: Buffer.alloc(2 * 1024 * 1024) }]);
    await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), /unpacks to more than 1\.0 MB.*--max-extract-mb 1/);
    assertUntouched(s);
  });

  it('refuses too many entries', async () => {
    const s = await setup(Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, content: '' })));
    await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), /has 101 entries; this worker extracts at most 100/);
    assertUntouched(s);
  });

  it('refuses a file and a folder of the same name, and "." or empty name parts (extract-zip hung on these; found by fuzzing)', async () => {
    const zips = [
      await buildZip([
        { name: '.bin/a', content: 'x' },
        { name: '.bin', content: 'x' },
      ]),
      await buildZipWithRawName('a/a/x', 'a/a/.'),
      await buildZipWithRawName('a/xb', 'a//b'),
    ];
    for (const zip of zips) {
      const s = await setup(zip);
      await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), /both a file and a folder|empty or "\." part/);
      assertUntouched(s);
    }
  });

  it('refuses a file that is not a zip', async () => {
    const s = await setup(Buffer.from('this is not a zip at all'));
    await assert.rejects(extractBundle(s.zip, s.dest, LIMITS), /not a zip archive/);
    assertUntouched(s);
  });
});
