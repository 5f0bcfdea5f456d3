/**
 * A job's shell through the API: the three ways to create jobs accept each of SHELLS and refuse anything
 * else with a sentence and a reason; the choice is stored, listed, handed to the worker with the job, kept by
 * a retried job and by a run's jobs (and its re-run); left out, it stays null (the worker's default).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SHELLS } from '../../../shared/shells.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { buildZip, uploadForm } from '../../helpers/zip.ts';

const FILE = 'http://files.invalid/project.zip';
const REFUSAL =
  /^Field "shell" is invalid: must be one of cmd, powershell, pwsh, sh \(got "bash"\); leave it out for the worker's default \(cmd on Windows, sh elsewhere\)\.$/;

async function postForm(c: TestCoordinator, path: string, form: FormData): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const res = await fetch(c.url + path, { method: 'POST', body: form, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    // a direct run answers with an event stream
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** The job the worker takes next, as get-job hands it over. */
async function take(c: TestCoordinator, workerId: string): Promise<any> {
  const got = await c.api('GET', `/api/jobs/get-job?workerId=${workerId}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body.job;
}

/** Reports the job done so that the worker takes the next one. */
async function finish(c: TestCoordinator, workerId: string, jobId: string): Promise<void> {
  const done = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId, exitCode: 0 } });
  assert.equal(done.status, 200, JSON.stringify(done.body));
}

const statusOf = async (c: TestCoordinator, jobId: string) => (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
const uploads = (c: TestCoordinator) => readdirSync(join(c.dataDir, 'uploads')).filter((name) => name.endsWith('.zip')).length;

function assertRefused(res: { status: number; body: any }): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.reason, 'invalid_request');
  assert.equal(res.body.statusCode, 400);
  assert.match(res.body.error, REFUSAL);
}

describe("a job's shell", () => {
  let c: TestCoordinator;
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false });
    await c.register('w1');
  });
  afterEach(async () => {
    await c?.close();
  });

  it('POST /api/jobs/create keeps each shell: in the status, both listings and the job get-job hands over', async () => {
    for (const shell of SHELLS) {
      const created = await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: FILE, filename: 'p.zip', shell } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const jobId = created.body.jobId;
      assert.equal((await statusOf(c, jobId)).shell, shell);
      const assigned = await take(c, 'w1');
      assert.equal(assigned.jobId, jobId);
      assert.equal(assigned.shell, shell);
      await finish(c, 'w1', jobId);
    }
    const whole = (await c.api('GET', '/api/jobs/create')).body.jobs;
    const page = (await c.api('GET', '/api/jobs/create?limit=10')).body.jobs;
    assert.deepEqual(
      whole.map((j: any) => j.shell),
      [...SHELLS],
    );
    assert.deepEqual(
      page.map((j: any) => j.shell),
      [...SHELLS].reverse(),
    );
  });

  it('without a shell (or with null) a job has shell null, and get-job leaves it out: the worker picks its default', async () => {
    for (const extra of [{}, { shell: null }]) {
      const created = await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: FILE, filename: 'p.zip', ...extra } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal((await statusOf(c, created.body.jobId)).shell, null);
      const assigned = await take(c, 'w1');
      assert.equal('shell' in assigned, false, JSON.stringify(assigned));
      await finish(c, 'w1', assigned.jobId);
    }
  });

  it('POST /api/jobs/create refuses another shell, naming the allowed ones, and creates nothing', async () => {
    assertRefused(await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: FILE, filename: 'p.zip', shell: 'bash' } }));
    for (const shell of ['', 'CMD', 1, ['sh']]) {
      const res = await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: FILE, filename: 'p.zip', shell } });
      assert.equal(res.status, 400, JSON.stringify(shell));
      assert.match(res.body.error, /"shell" is invalid: must be one of cmd, powershell, pwsh, sh/);
    }
    assert.equal((await c.api('GET', '/api/jobs/create')).body.count, 0);
  });

  it("a retried job keeps its shell: a worker lost mid-job, its job goes to the next worker's get-job with it", async () => {
    const created = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'p.zip', shell: 'pwsh', maxAttempts: 2 } });
    assert.equal((await take(c, 'w1')).shell, 'pwsh');
    await c.register('w1'); // registered again: the process that ran the job is gone, and the job is pending again
    const again = await statusOf(c, created.body.jobId);
    assert.deepEqual([again.status, again.attempts, again.shell], ['pending', 1, 'pwsh']);
    await c.register('w2');
    const retried = await take(c, 'w2');
    assert.deepEqual([retried.jobId, retried.shell], [created.body.jobId, 'pwsh']);
  });

  it('POST /api/execute (distributed) keeps each shell, and an empty field means the default', async () => {
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    for (const shell of [...SHELLS, '']) {
      const res = await postForm(c, '/api/execute', uploadForm(zip, { commands: 'echo hi', mode: 'distributed', shell }));
      assert.equal(res.status, 200, res.text);
      const expected = shell === '' ? null : shell;
      assert.equal((await statusOf(c, res.body.jobId)).shell, expected);
      const assigned = await take(c, 'w1');
      assert.equal(assigned.jobId, res.body.jobId);
      assert.equal(assigned.shell ?? null, expected);
      await finish(c, 'w1', assigned.jobId);
    }
  });

  it('POST /api/execute refuses another shell in either mode, leaving no zip and no job', async () => {
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    const before = uploads(c);
    for (const mode of ['distributed', 'direct']) {
      const res = await postForm(c, '/api/execute', uploadForm(zip, { commands: 'echo hi', mode, shell: 'bash' }));
      assertRefused(res);
    }
    assert.equal(uploads(c), before);
    assert.equal((await c.api('GET', '/api/jobs/create')).body.count, 0);
  });

  it('POST /api/execute (direct) runs with the shell asked for and records it on its job', async () => {
    const zip = await buildZip([{ name: 'top/a.txt', content: 'from the zip\n' }]);
    const res = await postForm(c, '/api/execute', uploadForm(zip, { commands: 'cat a.txt', mode: 'direct', shell: 'sh' }));
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /event: exit\ndata: \{"exitCode":0\}/);
    const job = await statusOf(c, res.headers.get('x-exec-id')!);
    assert.deepEqual([job.workerId, job.status, job.exitCode, job.shell], ['coordinator', 'completed', 0, 'sh']);
  });

  it("POST /api/runs/create (JSON) gives every job the run's shell, and a re-run keeps it", async () => {
    await c.register('w2');
    const created = await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'x', fileUrl: FILE, shell: 'powershell' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { runId, jobIds } = created.body;
    assert.equal(jobIds.length, 2);
    const run = (await c.api('GET', `/api/runs/status?runId=${runId}`)).body;
    assert.equal(run.shell, 'powershell');
    assert.equal((await c.api('GET', '/api/runs/create')).body.runs[0].shell, 'powershell');
    for (const jobId of jobIds) assert.equal((await statusOf(c, jobId)).shell, 'powershell');
    for (const worker of ['w1', 'w2']) {
      const assigned = await take(c, worker);
      assert.equal(assigned.shell, 'powershell');
      await finish(c, worker, assigned.jobId);
    }
    const rerun = await c.api('POST', '/api/runs/rerun', { body: { runId, only: 'all' } });
    assert.equal(rerun.status, 200, JSON.stringify(rerun.body));
    assert.equal((await c.api('GET', `/api/runs/status?runId=${rerun.body.runId}`)).body.shell, 'powershell');
    for (const jobId of rerun.body.jobIds) assert.equal((await statusOf(c, jobId)).shell, 'powershell');
  });

  it('POST /api/runs/create (multipart) keeps each shell for every zip of a map run; without one, null', async () => {
    const zip = new Blob([new Uint8Array(await buildZip([{ name: 'a.txt', content: 'a' }]))]);
    for (const shell of [...SHELLS, undefined]) {
      const form = new FormData();
      form.set('mode', 'map');
      form.set('commands', 'x');
      if (shell) form.set('shell', shell);
      form.append('file', zip, 'one.zip');
      form.append('file', zip, 'two.zip');
      const res = await postForm(c, '/api/runs/create', form);
      assert.equal(res.status, 200, res.text);
      assert.equal((await c.api('GET', `/api/runs/status?runId=${res.body.runId}`)).body.shell, shell ?? null);
      for (const jobId of res.body.jobIds) assert.equal((await statusOf(c, jobId)).shell, shell ?? null);
    }
  });

  it('POST /api/runs/create refuses another shell, as JSON or as a form, and keeps none of its zips', async () => {
    assertRefused(await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'x', fileUrl: FILE, shell: 'bash' } }));
    const before = uploads(c);
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'x');
    form.set('shell', 'bash');
    form.append('file', new Blob([new Uint8Array(await buildZip([{ name: 'a.txt', content: 'a' }]))]), 'one.zip');
    assertRefused(await postForm(c, '/api/runs/create', form));
    assert.equal(uploads(c), before);
    assert.equal((await c.api('GET', '/api/runs/create')).body.total, 0);
    assert.equal((await c.api('GET', '/api/jobs/create')).body.count, 0);
  });
});
