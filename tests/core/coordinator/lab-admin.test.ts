/** Outcome filters and counts, and the admin's hand on workers: rename, pause, forget, replace. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/project.zip';

onBothEngines('outcomes and worker administration', () => {
  let c: TestCoordinator;
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false, offlineAfterSeconds: 1 });
  });
  afterEach(async () => {
    await c?.close();
  });

  const create = async (extra: Record<string, unknown> = {}) =>
    (await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip', ...extra } })).body.jobId as string;
  const take = async (workerId: string) => (await c.api('GET', `/api/jobs/get-job?workerId=${workerId}`)).body.job?.jobId as string | undefined;

  it('files a job that exited 1 under failed, with live counts per outcome', async () => {
    await c.register('w1');
    for (const exitCode of [0, 1, 2]) {
      await create();
      const jobId = await take('w1');
      await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', exitCode } });
    }
    await create();
    const errored = await take('w1');
    await c.api('PUT', '/api/jobs/submit-result', { body: { jobId: errored, workerId: 'w1', errorMessage: 'boom' } });
    const cancelled = await create();
    await c.api('POST', '/api/jobs/cancel', { body: { jobId: cancelled } });
    await create();
    const counts = (await c.api('GET', '/api/jobs/counts')).body;
    assert.deepEqual(counts, { all: 6, active: 1, pending: 1, running: 0, passed: 1, failed: 3, cancelled: 1 });
    const failed = (await c.api('GET', '/api/jobs/create?outcome=failed')).body;
    assert.equal(failed.total, 3);
    assert.deepEqual(failed.jobs.map((j: any) => j.exitCode ?? j.errorMessage).sort(), [1, 2, 'boom'].sort());
    assert.equal((await c.api('GET', '/api/jobs/create?outcome=passed')).body.total, 1);
    assert.equal((await c.api('GET', '/api/jobs/create?outcome=active')).body.total, 1);
    const bad = await c.api('GET', '/api/jobs/create?outcome=green');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /"outcome" must be one of active, passed, failed, cancelled/);
  });

  it('renames a worker, sorts workers by the name people see, and pauses one from the dashboard', async () => {
    await c.register('w-b', { hostname: 'zeta' });
    await c.register('w-a', { hostname: 'alpha' });
    const renamed = await c.api('POST', '/api/workers/rename', { body: { workerId: 'w-b', name: 'Lab PC 01' } });
    assert.equal(renamed.body.worker.name, 'Lab PC 01');
    const names = (await c.api('GET', '/api/workers/register')).body.workers.map((w: any) => w.name);
    assert.deepEqual(names, ['alpha', 'Lab PC 01']);
    await c.api('POST', '/api/workers/rename', { body: { workerId: 'w-b', name: null } });
    assert.equal((await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'w-b').name, 'zeta');

    const paused = await c.api('POST', '/api/workers/pause', { body: { workerId: 'w-a', paused: true } });
    assert.equal(paused.body.worker.pausedByAdmin, true);
    assert.ok(Math.abs(paused.body.worker.pausedByAdminAt - Date.now()) < 5000, 'the dashboard can say when');
    await create();
    assert.equal(await take('w-a'), undefined, 'a paused worker takes no job');
    await c.api('POST', '/api/workers/pause', { body: { workerId: 'w-a', paused: false } });
    assert.ok(await take('w-a'));
    assert.equal((await c.api('POST', '/api/workers/pause', { body: { workerId: 'ghost', paused: true } })).status, 404);
  });

  it('forgets an offline worker (failing jobs meant for it alone), refuses to forget an online one', async () => {
    await c.register('old-pc', { hostname: 'lab-pc-03' });
    const online = await c.api('POST', '/api/workers/forget', { body: { workerId: 'old-pc' } });
    assert.equal(online.status, 409);
    assert.match(online.body.error, /lab-pc-03 is online; stop it/);
    const jobId = await create({ target: { workers: ['old-pc'] } });
    await waitFor('old-pc offline', async () => (await c.api('GET', '/api/workers/register')).body.workers[0].status === 'offline' || undefined, 10_000);
    const gone = await c.api('POST', '/api/workers/forget', { body: { workerId: 'old-pc' } });
    assert.equal(gone.status, 200);
    assert.deepEqual(gone.body.failedJobs, [jobId]);
    assert.equal((await c.api('GET', '/api/workers/register')).body.count, 0);
    const job = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(job.status, 'failed');
    assert.match(job.errorMessage, /The PC this job was for \(lab-pc-03\) was removed from the lab/);
  });

  it('offers a re-installed PC as the replacement of its offline namesake, and moves its name, tags and waiting jobs', async () => {
    await c.register('old-pc', { hostname: 'lab-pc-03', tags: ['room-b'] });
    await c.api('POST', '/api/workers/rename', { body: { workerId: 'old-pc', name: 'Teacher PC' } });
    const waiting = await create({ target: { workers: ['old-pc'] } });
    await waitFor('old-pc offline', async () => (await c.api('GET', '/api/workers/register')).body.workers[0].status === 'offline' || undefined, 10_000);
    await c.register('new-pc', { hostname: 'lab-pc-03' });
    const fresh = (await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'new-pc');
    assert.equal(fresh.replaces, 'old-pc');
    const replaced = await c.api('POST', '/api/workers/replace', { body: { workerId: 'new-pc', replaces: 'old-pc' } });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.deepEqual([replaced.body.worker.name, replaced.body.worker.tags, replaced.body.worker.replaces], ['Teacher PC', ['room-b'], null]);
    assert.equal(await take('new-pc'), waiting, 'the job that waited for the old PC goes to its replacement');
    assert.deepEqual(
      (await c.api('GET', '/api/workers/register')).body.workers.map((w: any) => w.workerId),
      ['new-pc'],
    );
  });

  it('flags a worker that joins under the hostname of a PC already online, also after its heartbeats; not the PC that joined first', async () => {
    await c.register('lab-pc-07', { hostname: 'lab-pc-07' });
    await new Promise((r) => setTimeout(r, 5)); // joined later
    await c.register('rogue-1', { hostname: 'lab-pc-07' });
    const workers = (await c.api('GET', '/api/workers/register')).body.workers;
    const rogue = workers.find((w: any) => w.workerId === 'rogue-1');
    const real = workers.find((w: any) => w.workerId === 'lab-pc-07');
    assert.deepEqual(rogue.warnings, [
      'lab-pc-07 (lab-pc-07) joined first with the hostname lab-pc-07: if only one PC has it, this one is not that PC; revoke it.',
    ]);
    assert.equal(rogue.replaces, null, 'the first is online: nothing to replace');
    assert.deepEqual(real.warnings, [], 'the PC that joined first is not flagged');
    await c.register('rogue-2', { hostname: ' LAB-PC-07 ' }); // case and spaces make no other PC
    assert.match((await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'rogue-2').warnings[0], /joined first/);
    const hidden = await c.api('POST', '/api/workers/register', { body: { workerId: 'rogue-3', hostname: 'lab-pc-07\u200b' } });
    assert.equal(hidden.status, 400, 'a zero-width character to look like another PC is refused');
    const beat = await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'rogue-1' } });
    assert.equal(beat.status, 200);
    assert.match((await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'rogue-1').warnings[0], /joined first/);
  });
});
