import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startTestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/p.zip';

onBothEngines('workers that stop heartbeating go offline', () => {
  it('marks a silent worker offline after --offline-after and fails its running job saying the worker was lost', async () => {
    const c = await startTestCoordinator({ auth: false, offlineAfterSeconds: 1 });
    try {
      await c.register('w1');
      const jobId = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip' } })).body.jobId;
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      const job = await waitFor(
        'job to fail',
        async () => {
          const s = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
          return s.status === 'failed' ? s : undefined;
        },
        5000,
      );
      assert.match(job.errorMessage, /Worker host-w1 \(w1\) stopped sending heartbeats/);
      const worker = (await c.api('GET', '/api/workers/register')).body.workers[0];
      assert.equal(worker.status, 'offline');
      const late = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', exitCode: 0 } });
      assert.equal(late.status, 409, 'a result after the job was failed is refused, not silently dropped');
      // A worker that comes back (heartbeat or register) is idle again.
      await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'w1' } });
      assert.equal((await c.api('GET', '/api/workers/register')).body.workers[0].status, 'idle');
    } finally {
      await c.close();
    }
  });

  it('puts the job of a lost worker back in the queue when it has attempts left', async () => {
    const c = await startTestCoordinator({ auth: false, offlineAfterSeconds: 1 });
    try {
      await c.register('w1');
      const jobId = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip', maxAttempts: 2 } })).body.jobId;
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      await waitFor('job to be requeued', async () => (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.status === 'pending' || undefined, 5000);
      await c.register('w2');
      const got = await c.api('GET', '/api/jobs/get-job?workerId=w2');
      assert.equal(got.body.job.jobId, jobId);
      const s = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
      assert.equal(s.attempts, 2);
      assert.equal(s.workerId, 'w2');
    } finally {
      await c.close();
    }
  });

  it('a worker that registers again while it had a job comes back idle, and the job is not left running', async () => {
    const c = await startTestCoordinator({ auth: false });
    try {
      await c.register('w1');
      const jobId = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip' } })).body.jobId;
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      await c.register('w1');
      const s = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
      assert.equal(s.status, 'failed');
      assert.match(s.errorMessage, /restarted/);
      assert.equal((await c.api('GET', '/api/workers/register')).body.workers[0].status, 'idle');
    } finally {
      await c.close();
    }
  });

  it('requeues a job its worker never received (the worker says in heartbeats it runs nothing)', async () => {
    let now = Date.now();
    const c = await startTestCoordinator({ auth: false, now: () => now });
    try {
      await c.register('w1');
      const jobId = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip' } })).body.jobId;
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'w1', jobId: null } });
      assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.status, 'running', 'within the grace period the answer may still be in flight');
      now += 20_000;
      await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'w1', jobId: null } });
      const s = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
      assert.equal(s.status, 'pending');
      assert.equal(s.attempts, 0, 'an undelivered job does not use up an attempt');
    } finally {
      await c.close();
    }
  });
});

onBothEngines('a restarted worker process', () => {
  it('says so in its first heartbeat, and the job its previous process had is ended at once', async () => {
    const c = await startTestCoordinator({ auth: false });
    try {
      await c.register('w1');
      const jobId = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip' } })).body.jobId;
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      const beat = await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'w1', jobId: null, restarted: true } });
      assert.equal(beat.status, 200);
      const s = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
      assert.equal(s.status, 'failed');
      assert.match(s.errorMessage, /restarted while running this job/);
      assert.equal((await c.api('GET', '/api/workers/register')).body.workers[0].status, 'idle');
    } finally {
      await c.close();
    }
  });
});

onBothEngines('a coordinator that was frozen', () => {
  it('does not declare workers offline for the silence it caused itself (SIGSTOP, suspend)', async () => {
    let now = Date.now();
    const c = await startTestCoordinator({ auth: false, offlineAfterSeconds: 6, now: () => now });
    try {
      await c.register('w1');
      const jobId = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip' } })).body.jobId;
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      now += 20_000; // the process stood still for 20 s: no heartbeat could arrive
      c.context.scheduler.sweep();
      assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.status, 'running');
      assert.equal((await c.api('GET', '/api/workers/register')).body.workers[0].status, 'busy');
      for (let i = 0; i < 14; i++) {
        // a real silence after the freeze still counts (sweeps run every 0.6 s)
        now += 500;
        c.context.scheduler.sweep();
      }
      assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.status, 'failed');
    } finally {
      await c.close();
    }
  });
});
