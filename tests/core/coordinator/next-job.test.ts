/** A worker's result answered with its next job: one round trip per job, never for someone else, never to a paused worker. */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const ZIP_URL = 'http://127.0.0.1:9/x.zip';

onBothEngines('the next job with the result', () => {
  let c: TestCoordinator;
  let token: string;
  const create = async () => (await c.api('POST', '/api/jobs/create', { body: { command: 'true', fileUrl: ZIP_URL, filename: 'x.zip' } })).body.jobId as string;
  const take = async () => (await c.api('GET', '/api/jobs/get-job?workerId=pc-1&wait=0', { token })).body.job;
  before(async () => {
    c = await startTestCoordinator();
    token = await c.register('pc-1');
  });
  after(() => c.close());

  it('hands the worker its next job in the answer to its result, and the seed answer without takeNext', async () => {
    const [first, second] = [await create(), await create()];
    assert.equal((await take()).jobId, first);
    const res = await c.api('POST', '/api/jobs/submit-result', { token, body: { jobId: first, workerId: 'pc-1', exitCode: 0, takeNext: true } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'completed');
    assert.equal(res.body.next.jobId, second);
    const status = (await c.api('GET', `/api/jobs/status?jobId=${second}&output=false`)).body;
    assert.equal(status.status, 'running');
    assert.equal(status.workerId, 'pc-1');
    // Nothing more to do: next is null, and the worker long-polls as before.
    const last = await c.api('PUT', '/api/jobs/submit-result', { token, body: { jobId: second, workerId: 'pc-1', errorMessage: 'x', takeNext: true } });
    assert.equal(last.body.next, null);
    const third = await create();
    const seed = await c.api('POST', '/api/jobs/submit-result', { token, body: { jobId: (await take()).jobId, workerId: 'pc-1', exitCode: 0 } });
    assert.equal(third.length > 0, true);
    assert.equal('next' in seed.body, false, 'without takeNext the answer is the seed’s');
  });

  it('gives nothing to a paused worker, nor to the admin token reporting for a worker', async () => {
    const [a, b] = [await create(), await create()];
    assert.equal((await take()).jobId, a);
    assert.equal((await c.api('POST', '/api/workers/pause', { body: { workerId: 'pc-1', paused: true } })).status, 200);
    const paused = await c.api('POST', '/api/jobs/submit-result', { token, body: { jobId: a, workerId: 'pc-1', exitCode: 0, takeNext: true } });
    assert.equal(paused.body.next, null);
    await c.api('POST', '/api/workers/pause', { body: { workerId: 'pc-1', paused: false } });
    const job = await take();
    assert.equal(job.jobId, b);
    const byAdmin = await c.api('POST', '/api/jobs/submit-result', { body: { jobId: b, workerId: 'pc-1', exitCode: 0, takeNext: true } });
    assert.equal(byAdmin.status, 200);
    assert.equal(byAdmin.body.next, null);
  });
});
