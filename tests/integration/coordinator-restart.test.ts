import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/coordinator.ts';
import { startCoordinatorProcess } from '../helpers/processes.ts';

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.json() };
}

describe('a real coordinator process survives kill -9', () => {
  it('keeps every job and worker across kill -9 and a restart on the same data dir, and accepts results of running jobs', async () => {
    const dataDir = tempDir();
    let c = await startCoordinatorProcess(dataDir, ['--no-auth', '--offline-after', '5']);
    try {
      await call(c.url, 'POST', '/api/workers/register', { workerId: 'w1', hostname: 'pc-1' });
      await call(c.url, 'POST', '/api/workers/register', { workerId: 'w2', hostname: 'pc-2' });
      const jobIds: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await call(c.url, 'POST', '/api/jobs/create', { command: `echo ${i}`, fileUrl: 'http://files.invalid/p.zip', filename: 'p.zip' });
        jobIds.push(res.body.jobId);
      }
      const running = (await call(c.url, 'GET', '/api/jobs/get-job?workerId=w1')).body.job.jobId;
      const done = (await call(c.url, 'GET', '/api/jobs/get-job?workerId=w2')).body.job.jobId;
      const ack = await call(c.url, 'POST', '/api/jobs/submit-result', { jobId: done, workerId: 'w2', stdout: 'out', exitCode: 0 });
      assert.equal(ack.status, 200);

      await c.kill('SIGKILL'); // the acknowledged result must already be on disk
      c = await startCoordinatorProcess(dataDir, ['--no-auth', '--offline-after', '5']);

      const jobs = (await call(c.url, 'GET', '/api/jobs/create')).body;
      assert.deepEqual(
        jobs.jobs.map((j: any) => j.jobId),
        jobIds,
      );
      const after = (await call(c.url, 'GET', `/api/jobs/status?jobId=${done}`)).body;
      assert.equal(after.status, 'completed');
      assert.equal(after.stdout, 'out');
      const workers = (await call(c.url, 'GET', '/api/workers/register')).body.workers;
      assert.deepEqual(
        workers.map((w: any) => [w.workerId, w.status]),
        [
          ['w1', 'busy'],
          ['w2', 'idle'],
        ],
      );

      // The quick restart did not fail w1's job: its heartbeat keeps it alive and its result is accepted.
      assert.equal((await call(c.url, 'POST', '/api/workers/heartbeat', { workerId: 'w1', jobId: running })).status, 200);
      assert.equal((await call(c.url, 'GET', `/api/jobs/status?jobId=${running}`)).body.status, 'running');
      const result = await call(c.url, 'POST', '/api/jobs/submit-result', { jobId: running, workerId: 'w1', stdout: 'late', exitCode: 0 });
      assert.equal(result.status, 200);
      assert.equal((await call(c.url, 'GET', `/api/jobs/status?jobId=${running}`)).body.status, 'completed');
    } finally {
      await c.kill('SIGKILL');
    }
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const c = await startCoordinatorProcess(tempDir(), ['--no-auth']);
    assert.equal((await call(c.url, 'GET', '/api/health')).status, 200);
    assert.equal(await c.kill('SIGTERM'), 0);
  });

  it('refuses to start a second coordinator on the same data dir with a clear message', async () => {
    const dataDir = tempDir();
    const first = await startCoordinatorProcess(dataDir, ['--no-auth']);
    try {
      await assert.rejects(startCoordinatorProcess(dataDir, ['--no-auth']), /already in use by another coordinator/);
    } finally {
      await first.kill('SIGKILL');
    }
  });
});
