/** The artifacts upload refuses what it must: for a job that asked for none, too big, names too long; and the id direct runs use is reserved. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import yazl from 'yazl';
import { finishZip } from '../../../electron/core/runner/zip-writer.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';

const FILE = 'http://files.invalid/project.zip';

describe('artifact uploads and reserved ids', () => {
  let c: TestCoordinator;
  let token: string;
  before(async () => {
    c = await startTestCoordinator({ maxUploadMb: 1 });
    token = await c.register('w1');
  });
  after(() => c?.close());

  async function runningJob(artifacts?: string[]): Promise<string> {
    await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip', ...(artifacts ? { artifacts } : {}) } });
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w1', { token });
    return got.body.job.jobId;
  }
  const upload = (jobId: string, body: Uint8Array) =>
    c.api('POST', `/api/jobs/artifacts?jobId=${jobId}&workerId=w1`, { token, rawBody: body, headers: { 'content-type': 'application/zip' } });
  const finish = (jobId: string) => c.api('POST', '/api/jobs/submit-result', { token, body: { jobId, workerId: 'w1', exitCode: 0 } });

  it('refuses artifacts for a job that asked for none', async () => {
    const jobId = await runningJob();
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('x'), 'x.txt');
    const res = await upload(jobId, await finishZip(zip));
    assert.equal(res.status, 400);
    assert.match(res.body.error, /asked for no artifacts/);
    await finish(jobId);
  });

  it('refuses a listing with a name too long, and a body over --max-upload-mb, keeping nothing', async () => {
    const jobId = await runningJob(['**']);
    const long = new yazl.ZipFile();
    long.addBuffer(Buffer.from('x'), `${'d/'.repeat(600)}x.txt`);
    const res = await upload(jobId, await finishZip(long));
    assert.equal(res.status, 400);
    assert.match(res.body.error, /file names too long \(at most 1024 characters each/);
    const big = await upload(jobId, new Uint8Array(2 * 1024 * 1024));
    assert.equal(big.status, 413);
    assert.match(big.body.error, /larger than the coordinator accepts \(1 MB, --max-upload-mb\)/);
    const job = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.deepEqual([job.artifacts, job.artifactCount], [[], 0]);
    await finish(jobId);
  });

  it('reserves the id "coordinator", under which direct runs are recorded', async () => {
    const res = await c.api('POST', '/api/workers/register', { token: c.tokens.joinToken, body: { workerId: 'coordinator', hostname: 'rogue' } });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /"coordinator" is reserved for direct runs/);
  });
});
