/**
 * A worker's start-up check: unpack a tiny zip into a job folder and run one command there. It says
 * at once, in the log, when this PC cannot run jobs (no shell, work dir not writable), and it runs
 * the job path once so the first real job does not pay for loading and compiling it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractBundle } from '../runner/bundle.ts';
import { zipFiles } from '../runner/zip-writer.ts';
import { runCommands } from '../runner/executor.ts';
import type { WarmShell } from '../runner/warm-shell.ts';
import type { PreparedJob } from './job-isolation.ts';

/** Unpacks a tiny zip into a job folder and runs one command there, as a real job would (its account, its cgroup). */
export async function selfCheck(prepare: () => Promise<PreparedJob>, warmShell?: WarmShell): Promise<{ ok: true; ms: number } | { ok: false; error: string }> {
  const started = performance.now();
  let job: PreparedJob | undefined;
  try {
    job = await prepare();
    await writeFile(join(job.jobDir, 'check.zip'), await zipFiles([{ name: 'check/ok.txt', content: 'ok\n' }]));
    const { runDir } = await extractBundle(join(job.jobDir, 'check.zip'), job.filesDir, { maxBytes: 1024 * 1024, maxEntries: 10 });
    job.handOver();
    let out = '';
    const result = await runCommands({
      commands: process.platform === 'win32' ? 'type ok.txt' : 'cat ok.txt',
      cwd: runDir,
      sandbox: job.sandbox,
      onOutput: (_s, c) => {
        out += c.toString();
      },
      warmShell,
    });
    if (result.status !== 'completed' || result.exitCode !== 0 || !out.includes('ok')) {
      return { ok: false, error: `the test command did not run as expected (${JSON.stringify(result)}: ${out.slice(0, 200)})` };
    }
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await job?.finish().catch(() => {});
  }
}
