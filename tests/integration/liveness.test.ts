/**
 * The dashboard tells the truth about workers within seconds: a worker killed mid-job is offline and
 * its job ended (its time ending at the death) in under 3 s, although heartbeats are 10 s apart and
 * --offline-after is 30 s; a worker stopped with SIGTERM is offline at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { PID_NS, readPidFile, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

describe('worker liveness', () => {
  let c: TestCoordinator;
  let t: Target;
  const procs: CliProcess[] = [];
  const start = (id: string) => {
    const p = startCli(['worker', '--server', c.url, '--id', id, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '10'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    procs.push(p);
    return p;
  };
  const statusOf = async (id: string) => (await listWorkers(t)).find((w) => w.workerId === id)?.status;

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 30 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await c?.close();
  });

  it('shows a worker killed mid-job offline in under 3 s, its job ended where the worker died', async () => {
    const worker = start('doomed');
    await waitFor('doomed idle', async () => (await statusOf('doomed')) === 'idle' || undefined, 20_000);
    const pidFile = join(dropBox(), 'pid');
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `echo "${PID_NS} $$" > ${pidFile}; sleep 60`);
    await readPidFile(pidFile);
    await waitForJob(t, jobId, (j) => j.status === 'running');
    await new Promise((r) => setTimeout(r, 1000)); // the job has run a while
    const killedAt = Date.now();
    await worker.kill('SIGKILL');
    await waitFor('doomed offline', async () => (await statusOf('doomed')) === 'offline' || undefined, 10_000, 50);
    const offlineAfterMs = Date.now() - killedAt;
    const job = await waitForJob(t, jobId, undefined, 10_000);
    console.log(
      `killed worker offline after ${offlineAfterMs} ms; job ${job.status} (${job.endReason}), its time ends ${job.completedAt - killedAt} ms after the kill`,
    );
    assert.ok(offlineAfterMs < 3000, `offline ${offlineAfterMs} ms after the kill`);
    assert.equal(job.status, 'failed');
    assert.equal(job.endReason, 'worker_lost');
    assert.match(job.errorMessage, /Worker host-doomed|Worker doomed|went away while running this job/);
    assert.ok(Math.abs(job.completedAt - killedAt) < 1000, 'the duration ends at the death, not when the coordinator noticed');
  });

  it('shows a worker stopped with SIGTERM offline at once', async () => {
    const worker = start('polite');
    await waitFor('polite idle', async () => (await statusOf('polite')) === 'idle' || undefined, 20_000);
    const stoppedAt = Date.now();
    await worker.kill('SIGTERM');
    const status = await statusOf('polite');
    console.log(`SIGTERM: worker exited after ${Date.now() - stoppedAt} ms and is ${status}`);
    assert.equal(status, 'offline');
  });

  it('does not mistake a job ending (its control poll closed on purpose) for a worker going away', async () => {
    start('steady');
    await waitFor('steady idle', async () => (await statusOf('steady')) === 'idle' || undefined, 20_000);
    for (let i = 0; i < 3; i++) {
      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'sleep 0.3');
      assert.equal((await waitForJob(t, jobId)).status, 'completed');
    }
    await new Promise((r) => setTimeout(r, 2500)); // past the grace after the last poll closed
    assert.equal(await statusOf('steady'), 'idle');
  });
});
