import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { startTestCoordinator, waitForLongPoll, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/project.zip';

async function createJob(c: TestCoordinator, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: FILE, filename: 'project.zip', ...extra } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.jobId;
}

onBothEngines('job endpoints (seed 4-9) without auth', () => {
  let c: TestCoordinator;
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false });
  });
  afterEach(async () => {
    await c?.close();
  });

  it('creates a job with a job-<ms>-<random> id and the seed message', async () => {
    const res = await c.api('POST', '/api/jobs/create', { body: { command: 'npm install\nnpm test', fileUrl: FILE, filename: 'project.zip' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.success, true);
    assert.equal(res.body.message, 'Job created successfully');
    assert.match(res.body.jobId, /^job-\d{13}-[a-z0-9]+$/);
    const status = await c.api('GET', `/api/jobs/status?jobId=${res.body.jobId}`);
    assert.equal(status.status, 200);
    assert.deepEqual(
      Object.fromEntries(
        ['status', 'workerId', 'command', 'filename', 'stdout', 'stderr', 'exitCode', 'errorMessage', 'startedAt', 'completedAt'].map((k) => [
          k,
          status.body[k],
        ]),
      ),
      {
        status: 'pending',
        workerId: null,
        command: 'npm install\nnpm test',
        filename: 'project.zip',
        stdout: '',
        stderr: '',
        exitCode: null,
        errorMessage: null,
        startedAt: null,
        completedAt: null,
      },
    );
    assert.equal(status.body.timeoutSeconds, 3600);
    assert.equal(status.body.maxAttempts, 1);
    await c.close();
  });

  it('returns 400 with the seed message when command, fileUrl or filename is missing', async () => {
    for (const body of [{}, { command: 'x', fileUrl: FILE }, { command: 'x', filename: 'a' }, { fileUrl: FILE, filename: 'a' }]) {
      const res = await c.api('POST', '/api/jobs/create', { body });
      assert.deepEqual(res.body, { error: 'command, fileUrl, and filename are required', statusCode: 400, reason: 'invalid_request' });
    }
    await c.close();
  });

  it('refuses a relative fileUrl that names no upload, and other schemes', async () => {
    const missing = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: '/uploads/project-123456.zip', filename: 'p.zip' } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /does not name an uploaded zip/);
    const scheme = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: 'file:///etc/passwd', filename: 'p.zip' } });
    assert.equal(scheme.status, 400);
    await c.close();
  });

  it('get-job without a workerId keeps the seed behaviour: 202 without idle workers, then 200 to the first idle worker', async () => {
    const none = await c.api('GET', '/api/jobs/get-job');
    assert.equal(none.status, 202);
    assert.deepEqual(none.body, { success: false, message: 'No idle workers available', job: null });
    await c.register('w1');
    const noJobs = await c.api('GET', '/api/jobs/get-job');
    assert.equal(noJobs.status, 202);
    assert.equal(noJobs.body.job, null);
    const jobId = await createJob(c);
    const got = await c.api('GET', '/api/jobs/get-job');
    assert.equal(got.status, 200);
    assert.equal(got.body.success, true);
    assert.deepEqual(
      { ...got.body.job, timeoutSeconds: undefined },
      { jobId, command: 'echo hi', fileUrl: FILE, filename: 'project.zip', timeoutSeconds: undefined },
    );
    const status = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(status.status, 'running');
    assert.equal(status.workerId, 'w1');
    assert.equal(typeof status.startedAt, 'number');
    const workers = (await c.api('GET', '/api/workers/register')).body.workers;
    assert.equal(workers[0].status, 'busy');
    await c.close();
  });

  it('get-job with a workerId assigns to that worker only, 404 for unknown workers', async () => {
    await c.register('w1');
    await c.register('w2');
    const jobId = await createJob(c);
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w2');
    assert.equal(got.status, 200);
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.workerId, 'w2');
    const busy = await c.api('GET', '/api/jobs/get-job?workerId=w2');
    assert.equal(busy.status, 202);
    assert.match(busy.body.message, /still running/);
    const unknown = await c.api('GET', '/api/jobs/get-job?workerId=ghost');
    assert.deepEqual(unknown.body, { error: 'Worker not found', statusCode: 404, reason: 'worker_not_found' });
    await c.close();
  });

  it('long polling hands a job created during the wait to the waiting worker at once', async () => {
    await c.register('w1');
    const started = Date.now();
    const waiting = c.api('GET', '/api/jobs/get-job?workerId=w1&wait=10');
    await waitForLongPoll(c, 'w1');
    const jobId = await createJob(c);
    const got = await waiting;
    assert.equal(got.status, 200);
    assert.equal(got.body.job.jobId, jobId);
    assert.ok(Date.now() - started < 5000, 'answered long before the wait ran out');
    await c.close();
  });

  it('long polling answers 202 when the wait runs out', async () => {
    await c.register('w1');
    const started = Date.now();
    const res = await c.api('GET', '/api/jobs/get-job?workerId=w1&wait=1');
    assert.equal(res.status, 202);
    assert.ok(Date.now() - started >= 700, 'held for most of the wait (the coordinator jitters it by up to 25%)');
    const bad = await c.api('GET', '/api/jobs/get-job?workerId=w1&wait=soon');
    assert.equal(bad.status, 400);
    await c.close();
  });

  it('never gives one job to two workers, even when ten ask at once', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `w${i}`);
    for (const id of ids) await c.register(id);
    const jobIds = [await createJob(c), await createJob(c), await createJob(c)];
    const answers = await Promise.all(ids.map((id) => c.api('GET', `/api/jobs/get-job?workerId=${id}&wait=1`)));
    const given = answers.filter((a) => a.status === 200).map((a) => a.body.job.jobId);
    assert.equal(given.length, 3);
    assert.deepEqual([...given].sort(), [...jobIds].sort());
    await c.close();
  });

  it('submit-result completes the job and frees the worker; repeats are accepted, others refused', async () => {
    await c.register('w1');
    await c.register('w2');
    const jobId = await createJob(c);
    await c.api('GET', '/api/jobs/get-job?workerId=w1');
    const wrong = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w2', stdout: 'x', exitCode: 0 } });
    assert.deepEqual(wrong.body, { error: 'Worker is not assigned to this job', statusCode: 403, reason: 'not_assigned' });
    const unknown = await c.api('POST', '/api/jobs/submit-result', { body: { jobId: 'job-1-zzz', workerId: 'w1', exitCode: 0 } });
    assert.deepEqual(unknown.body, { error: 'Job not found', statusCode: 404, reason: 'job_not_found' });
    const ok = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', stdout: 'Test results...', stderr: 'warn', exitCode: 3 } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.message, 'Job result submitted successfully');
    const status = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(status.status, 'completed', 'ran to an exit code, so completed; exitCode says it failed');
    assert.equal(status.exitCode, 3);
    assert.equal(status.stdout, 'Test results...');
    assert.equal(status.stderr, 'warn');
    assert.equal(typeof status.completedAt, 'number');
    assert.equal((await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'w1').status, 'idle');
    const again = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', stdout: 'other', exitCode: 0 } });
    assert.equal(again.status, 200, 'a retried report is acknowledged again');
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.exitCode, 3, 'and changes nothing');
    const missing = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1' } });
    assert.equal(missing.status, 400);
    await c.close();
  });

  it('PUT submit-result records a failure; a failure after the end is refused with 409', async () => {
    await c.register('w1');
    const jobId = await createJob(c);
    await c.api('GET', '/api/jobs/get-job?workerId=w1');
    const res = await c.api('PUT', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', errorMessage: 'File download failed' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.message, 'Job failure recorded successfully');
    const status = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(status.status, 'failed');
    assert.equal(status.errorMessage, 'File download failed');
    assert.equal(status.exitCode, null);
    const late = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', exitCode: 0 } });
    assert.equal(late.status, 200, 'same worker repeating its report is idempotent');
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.status, 'failed');
    await c.close();
  });

  it('status answers 404 "Job not found" and 400 without a jobId', async () => {
    assert.deepEqual((await c.api('GET', '/api/jobs/status?jobId=job-0-none')).body, { error: 'Job not found', statusCode: 404, reason: 'job_not_found' });
    assert.equal((await c.api('GET', '/api/jobs/status')).status, 400);
    await c.close();
  });

  it('cancel: pending at once, running flagged for the worker, ended refused', async () => {
    await c.register('w1');
    const pending = await createJob(c);
    const running = await createJob(c);
    const cancelled = await c.api('POST', '/api/jobs/cancel', { body: { jobId: pending } });
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${pending}`)).body.status, 'cancelled');
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w1');
    assert.equal(got.body.job.jobId, running, 'the cancelled job is never handed out');
    const flagged = await c.api('POST', '/api/jobs/cancel', { body: { jobId: running } });
    assert.equal(flagged.body.status, 'running');
    const beat = await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'w1', jobId: running } });
    assert.deepEqual(beat.body.cancelJobIds, [running]);
    const logs = await c.api('POST', '/api/jobs/logs', { body: { jobId: running, workerId: 'w1', chunks: [] } });
    assert.equal(logs.body.cancel, true);
    await c.api('PUT', '/api/jobs/submit-result', { body: { jobId: running, workerId: 'w1', errorMessage: 'killed' } });
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${running}`)).body.status, 'cancelled');
    const again = await c.api('POST', '/api/jobs/cancel', { body: { jobId: running } });
    assert.equal(again.status, 409);
    assert.equal((await c.api('POST', '/api/jobs/cancel', { body: { jobId: 'job-1-x' } })).status, 404);
    await c.close();
  });

  it('lists all jobs as the seed does, and pages newest first with a status filter', async () => {
    await c.register('w1');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createJob(c, { command: `echo ${i}` }));
    await c.api('GET', '/api/jobs/get-job?workerId=w1');
    const all = await c.api('GET', '/api/jobs/create');
    assert.equal(all.body.count, 5);
    assert.deepEqual(
      all.body.jobs.map((j: any) => j.jobId),
      ids,
    );
    const page1 = await c.api('GET', '/api/jobs/create?limit=2');
    assert.deepEqual(
      page1.body.jobs.map((j: any) => j.jobId),
      [ids[4], ids[3]],
    );
    assert.equal(page1.body.total, 5);
    const page2 = await c.api('GET', `/api/jobs/create?limit=2&before=${page1.body.nextBefore}`);
    assert.deepEqual(
      page2.body.jobs.map((j: any) => j.jobId),
      [ids[2], ids[1]],
    );
    const pending = await c.api('GET', '/api/jobs/create?status=pending&limit=10');
    assert.equal(pending.body.total, 4);
    assert.equal(pending.body.nextBefore, null);
    assert.equal((await c.api('GET', '/api/jobs/create?status=done')).status, 400);
    assert.equal((await c.api('GET', '/api/jobs/create?limit=0')).status, 400);
    await c.close();
  });

  it('answers 429 when --max-pending-jobs is reached', async () => {
    await c.close();
    c = await startTestCoordinator({ auth: false, maxPendingJobs: 2 });
    await createJob(c);
    await createJob(c);
    const full = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip' } });
    assert.equal(full.status, 429);
    assert.match(full.body.error, /queue is full: 2 jobs are pending/);
    assert.equal((await c.api('GET', '/api/jobs/create')).body.count, 2);
    await c.close();
  });

  it('stores streamed output once per sequence number (one sequence for both streams) and shows each stream in status while running', async () => {
    await c.register('w1');
    const jobId = await createJob(c);
    await c.api('GET', '/api/jobs/get-job?workerId=w1');
    const chunk = (seq: number, data: string, stream = 'stdout') => ({ stream, seq, data });
    let res = await c.api('POST', '/api/jobs/logs', {
      body: { jobId, workerId: 'w1', chunks: [chunk(0, 'a\n'), chunk(1, 'err\n', 'stderr'), chunk(2, 'b\n')] },
    });
    assert.equal(res.body.next, 3);
    res = await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks: [chunk(2, 'b\n'), chunk(4, 'd\n')] } });
    assert.equal(res.body.next, 3, 'the repeat is ignored and the gap at 3 is reported');
    let status = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(status.status, 'running');
    assert.equal(status.stdout, 'a\nb\nd\n');
    res = await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks: [chunk(3, 'c\n')] } });
    assert.equal(res.body.next, 5, 'filling the gap moves past what came after it');
    await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', exitCode: 0 } });
    status = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(status.stdout, 'a\nb\nc\nd\n');
    assert.equal(status.stderr, 'err\n');
    const log = (await c.api('GET', `/api/jobs/log?jobId=${jobId}`)).body;
    assert.deepEqual(
      log.chunks.map((x: { data: string; stream: string }) => `${x.stream}:${x.data}`),
      ['stdout:a\n', 'stderr:err\n', 'stdout:b\n', 'stdout:c\n', 'stdout:d\n'],
    );
    const late = await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks: [chunk(5, 'late')] } });
    assert.equal(late.status, 409);
    await c.close();
  });
});
