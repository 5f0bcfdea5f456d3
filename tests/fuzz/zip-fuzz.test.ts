/**
 * Fuzzing the extractor with generated archives: random names with `..`, absolute paths, backslashes,
 * symlinks pointing anywhere, duplicate names and lying declared sizes. Whatever the archive, nothing
 * is ever written outside the job folder, and a refused archive leaves no job folder behind.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BundleError, extractBundle } from '../../electron/core/runner/bundle.ts';
import { tempDir } from '../helpers/coordinator.ts';
import { buildZip, type ZipItem } from '../helpers/zip.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Every path under `dir` (not following symlinks). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out.push(path);
    if (lstatSync(path).isDirectory()) out.push(...walk(path));
  }
  return out;
}

const segment = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('a', 'b', 'src', 'F', 'f', 'node_modules', '.bin', 'x.txt') },
  { weight: 2, arbitrary: fc.constantFrom('..', '.', '') },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('/')) },
);
const name = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const target = fc.oneof(fc.constantFrom('/etc/passwd', '..', '../..', '../../outside/file', 'a', 'b/../..', './a', 'F', 'C:\\evil', 'a/../../x'), name);

const item: fc.Arbitrary<{ kind: 'file' | 'link' | 'dir'; name: string; target: string; size: number }> = fc.record({
  kind: fc.constantFrom('file', 'file', 'file', 'link', 'dir'),
  name: fc.oneof({ weight: 12, arbitrary: name }, { weight: 1, arbitrary: fc.constantFrom('/abs/path', '../escape', 'a\\..\\..\\win', 'a/../../up') }),
  target,
  size: fc.nat({ max: 64 }),
});

/**
 * yazl refuses bad names, so items are built with same-length safe placeholders, then the real names
 * (and, sometimes, a lying declared size) are patched into the archive's bytes.
 */
async function archive(items: { kind: string; name: string; target: string; size: number }[], lieAboutSize: boolean): Promise<Buffer> {
  const placeholders = items.map((it, i) => `p${String(i).padStart(3, '0')}`.padEnd(Math.max(4, Buffer.byteLength(it.name)), 'q'));
  const zipItems: ZipItem[] = items.map((it, i) => {
    const n = placeholders[i]! + (it.kind === 'dir' ? '/' : '');
    if (it.kind === 'link') return { name: n, symlinkTo: it.target };
    if (it.kind === 'dir') return { name: n, dir: true };
    return { name: n, content: Buffer.alloc(it.size, 65) };
  });
  const buf = await buildZip(zipItems);
  items.forEach((it, i) => {
    const from = Buffer.from(placeholders[i]!);
    const to = Buffer.from(it.name.padEnd(placeholders[i]!.length, 'q'));
    for (let at = buf.indexOf(from); at !== -1; at = buf.indexOf(from, at + 1)) to.copy(buf, at);
  });
  if (lieAboutSize) {
    // Claim 4 GB - 1 for the first entry in the central directory (offset 24 of each header).
    const cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    if (cd !== -1) buf.writeUInt32LE(0xfffffffe, cd + 24);
  }
  return buf;
}

describe('zip extractor fuzzing (fast-check)', () => {
  it(`never writes outside the job folder across ${RUNS} generated archives`, async () => {
    const outcomes = { extracted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 5 }), fc.constantFrom(false, false, false, true), async (items, lie) => {
        const root = tempDir('cmdx-zipfuzz-');
        const outside = join(root, 'outside');
        mkdirSync(outside);
        writeFileSync(join(outside, 'file'), 'original');
        const zip = join(root, 'job.zip');
        writeFileSync(zip, await archive(items, lie));
        const dest = join(root, 'job');
        let refused = false;
        try {
          await extractBundle(zip, dest, { maxBytes: 1024 * 1024, maxEntries: 50 });
        } catch (error) {
          assert.ok(error instanceof BundleError, `only BundleErrors escape: ${(error as Error).stack}`);
          refused = true;
        }
        assert.deepEqual(readdirSync(outside), ['file']);
        assert.equal(readFileSync(join(outside, 'file'), 'utf8'), 'original');
        assert.deepEqual(readdirSync(root).sort(), refused ? ['job.zip', 'outside'] : ['job', 'job.zip', 'outside']);
        outcomes[refused ? 'refused' : 'extracted']++;
        if (refused) return;
        const realRoot = realpathSync(dest);
        for (const path of walk(dest)) {
          assert.ok(!relative(dest, path).split(sep).includes('..'), `${path} is inside`);
          if (lstatSync(path).isSymbolicLink() && existsSync(path)) {
            const resolved = realpathSync(path);
            assert.ok(resolved === realRoot || resolved.startsWith(realRoot + sep), `symlink ${path} -> ${resolved} stays inside`);
          }
        }
      }),
      { numRuns: RUNS, timeout: 10_000, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );
    // The generator must produce both kinds, or the property proves nothing.
    assert.ok(outcomes.extracted > RUNS / 10 && outcomes.refused > RUNS / 10, JSON.stringify(outcomes));
  });
});
