/**
 * A worker's start-up check: unpack a tiny zip into the work dir and run one command there. It says
 * at once, in the log, when this PC cannot run jobs (no shell, work dir not writable), and it runs
 * the job path once so the first real job does not pay for loading and compiling it.
 */
import { crc32 } from 'node:zlib';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractBundle } from '../runner/bundle.ts';
import { runCommands } from '../runner/executor.ts';
import type { WarmShell } from '../runner/warm-shell.ts';

/** A stored (uncompressed) zip with one file. */
export function tinyZip(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x031e, 4); // made by Unix
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  const centralStart = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

export async function selfCheck(workDir: string, warmShell?: WarmShell): Promise<{ ok: true; ms: number } | { ok: false; error: string }> {
  const started = performance.now();
  const dir = join(workDir, 'self-check');
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'check.zip'), tinyZip('check/ok.txt', 'ok\n'));
    const { runDir } = await extractBundle(join(dir, 'check.zip'), join(dir, 'files'), { maxBytes: 1024 * 1024, maxEntries: 10 });
    let out = '';
    const result = await runCommands({ commands: process.platform === 'win32' ? 'type ok.txt' : 'cat ok.txt', cwd: runDir, onOutput: (_s, c) => { out += c.toString(); }, warmShell });
    if (result.status !== 'completed' || result.exitCode !== 0 || !out.includes('ok')) {
      return { ok: false, error: `the test command did not run as expected (${JSON.stringify(result)})` };
    }
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
