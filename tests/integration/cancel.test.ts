/**
 * A cancel reaches a busy worker at once, not at its next heartbeat: the worker keeps a control long
 * poll open while its job runs. Heartbeats here are 30 s apart, so only that poll can explain a fast stop.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { cancelJob, listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { isAlive, PID_NS, readPidFile, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

describe('cancel', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 120 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
    worker = startCli(['worker', '--server', c.url, '--id', 'quiet-pc', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '30'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    await waitFor('worker idle', async () => (await listWorkers(t)).some((w) => w.workerId === 'quiet-pc' && w.status === 'idle') || undefined, 20_000);
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('stops a job that prints nothing within 1.5 s of the cancel, and the job ends cancelled', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const pidFile = join(dropBox(), 'pid');
      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `sleep 120 & echo "${PID_NS} $!" > ${pidFile}; wait`);
      const pid = await readPidFile(pidFile);
      await waitForJob(t, jobId, (j) => j.status === 'running');
      await new Promise((r) => setTimeout(r, 300)); // the worker is waiting on its control poll, not just starting
      const started = performance.now();
      const answer = await cancelJob(t, jobId);
      assert.equal(answer.status, 'running', 'a running job is cancelling until its worker confirms');
      await waitFor(`pid ${pid} gone`, () => !isAlive(pid) || undefined, 15_000, 10);
      times.push(performance.now() - started);
      const job = await waitForJob(t, jobId);
      assert.equal(job.status, 'cancelled');
    }
    console.log(`cancel to process gone: ${times.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
    for (const ms of times) assert.ok(ms < 1500, `the job stopped ${Math.round(ms)} ms after the cancel (heartbeats are 30 s apart)`);
  });
});
