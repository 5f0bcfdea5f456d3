/**
 * A job names its worker as people call it (the admin's name, else the hostname): in one job, in the
 * seed's list, in a page and on the live feed; its id when no row is left for it; null before a worker took it.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import WebSocket from 'ws';
import { registerWorker } from '../../../electron/core/coordinator/workers/worker-liveness.ts';
import { assignNextJob, createJob } from '../../../electron/core/coordinator/jobs/job-commands.ts';
import { getJob, getJobSummary, listJobs, pageJobs } from '../../../electron/core/coordinator/jobs/job-queries.ts';
import type { JobDto } from '../../../shared/api.ts';
import type { LiveServerMessage } from '../../../shared/live.ts';
import { startTestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/project.zip';

onBothEngines("a job's workerName", (engine) => {
  it('is null while pending, the hostname once taken, the admin’s name after a rename, the id once the worker is forgotten', () => {
    const store = engine.open();
    try {
      registerWorker(store, { workerId: 'w1', hostname: 'lab-pc-07' }, null);
      const { jobId } = createJob(store, { command: 'x', fileUrl: FILE, filename: 'a.zip' });
      const waiting = createJob(store, { command: 'y', fileUrl: FILE, filename: 'b.zip' });
      assert.equal(getJob(store, jobId)!.workerName, null);
      assignNextJob(store, 'w1');
      assert.equal(getJob(store, jobId)!.workerName, 'lab-pc-07');
      store.workers.setDisplayName('w1', 'Front row');
      const named = (jobs: JobDto[]) => Object.fromEntries(jobs.map((j) => [j.jobId, j.workerName]));
      const expected = { [jobId]: 'Front row', [waiting.jobId]: null };
      assert.deepEqual(named(listJobs(store)), expected);
      assert.deepEqual(named(pageJobs(store, { limit: 10 }).jobs), expected);
      assert.equal(getJobSummary(store, jobId)!.workerName, 'Front row');
      store.workers.forget('w1');
      assert.equal(getJob(store, jobId)!.workerName, 'w1');
    } finally {
      store.close();
    }
  });

  it('comes with the live feed: in the snapshot, and in a change after the admin renamed the worker', async () => {
    const c = await startTestCoordinator({ auth: false });
    const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/ws`, ['cmdx']);
    try {
      await c.register('w1');
      const { jobId } = (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip' } })).body;
      assert.equal((await c.api('GET', '/api/jobs/get-job?workerId=w1')).body.job.jobId, jobId);
      const messages: LiveServerMessage[] = [];
      ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString()) as LiveServerMessage));
      const jobsSent = () => messages.flatMap((m) => (m.type === 'snapshot' || m.type === 'changes' ? m.jobs : []));
      const snapshot = await waitFor('the snapshot', () => jobsSent().find((j) => j.jobId === jobId));
      assert.equal(snapshot.workerName, 'host-w1');
      assert.equal((await c.api('POST', '/api/workers/rename', { body: { workerId: 'w1', name: 'Front row' } })).status, 200);
      assert.equal((await c.api('POST', '/api/jobs/cancel', { body: { jobId } })).status, 200);
      const changed = await waitFor('the job cancelled on the feed', () => jobsSent().find((j) => j.jobId === jobId && j.cancelRequested));
      assert.equal(changed.workerName, 'Front row');
    } finally {
      ws.close();
      await c.close();
    }
  });
});
