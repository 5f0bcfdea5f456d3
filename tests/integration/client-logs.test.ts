/**
 * `cmdx logs --timestamps` (the built CLI) against a real coordinator, with a worker's chunks posted at
 * known times: `[HH:MM:SS.mmm] ` before each line, the whole stored log or followed until the job ends.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../helpers/coordinator.ts';
import { CLI, waitFor } from '../helpers/processes.ts';

interface Running {
  stdout(): string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The built CLI in UTC (so the stamps can be spelt), with the coordinator and admin token through the environment. */
function cmdx(c: TestCoordinator, args: string[]): Running {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CMDX_') && name !== 'NO_COLOR'));
  const env = { ...base, TZ: 'UTC', CMDX_SERVER: c.url, CMDX_TOKEN: c.tokens.adminToken };
  const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    proc.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { stdout: () => stdout, done };
}

const at = (ms: number) => Date.UTC(2026, 0, 1, 9, 5, 7, 42) + ms;

describe('cmdx logs --timestamps', () => {
  let c: TestCoordinator;
  let workerToken: string;
  let jobId: string;
  /** Posts chunks as worker w1 sends them, numbered from `seq`. */
  const post = async (seq: number, chunks: { stream: 'stdout' | 'stderr'; data: string; time: number }[]) => {
    const body = { jobId, workerId: 'w1', chunks: chunks.map((chunk, i) => ({ ...chunk, seq: seq + i })) };
    assert.equal((await c.api('POST', '/api/jobs/logs', { token: workerToken, body })).status, 200);
  };

  before(async () => {
    c = await startTestCoordinator();
    workerToken = await c.register('w1');
    const created = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: 'http://files.invalid/a.zip', filename: 'a.zip' } });
    jobId = created.body.jobId;
    assert.equal((await c.api('GET', '/api/jobs/get-job?workerId=w1', { token: workerToken })).body.job.jobId, jobId);
    await post(0, [
      { stream: 'stdout', data: 'one\ntwo\n', time: at(0) },
      { stream: 'stderr', data: 'oops\n', time: at(1250) },
      { stream: 'stdout', data: '50%\r', time: at(1500) },
      { stream: 'stdout', data: '\ndone\n', time: at(1507) },
    ]);
  });

  after(() => c?.close());

  const stored = '[09:05:07.042] one\n[09:05:07.042] two\n[09:05:08.292] oops\n[09:05:08.542] 50%\r\n[09:05:08.549] done\n';

  it('prints the log stored so far, each line after the time its chunk was read, and returns while the job runs', async () => {
    const ran = await cmdx(c, ['logs', jobId, '--timestamps']).done;
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, stored);
  });

  it('with -f, stamps the lines as they come until the job ends', async () => {
    const following = cmdx(c, ['logs', jobId, '-f', '--timestamps']);
    await waitFor('the stored lines', () => following.stdout() === stored || undefined);
    await post(4, [{ stream: 'stdout', data: 'later\n', time: at(60_000) }]);
    assert.equal((await c.api('POST', '/api/jobs/submit-result', { token: workerToken, body: { jobId, workerId: 'w1', exitCode: 0 } })).status, 200);
    const ran = await following.done;
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, `${stored}[09:06:07.042] later\n`);
  });

  it('refuses --raw with --timestamps, saying why', async () => {
    const ran = await cmdx(c, ['logs', jobId, '--raw', '--timestamps']).done;
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /--raw writes the bytes as they came and --timestamps adds to them: give one of the two\./);
  });
});
