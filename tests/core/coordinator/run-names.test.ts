/**
 * A run's name and its latest results: named at creation (JSON and form) or later, kept and numbered
 * by re-runs, used in the export's file name; each job's newest attempt from the re-runs on the
 * original run's status, for a broadcast (by PC) and a map run (by zip).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { zipFiles } from '../../../electron/core/runner/zip-writer.ts';
import { attachmentHeader, runFileName } from '../../../electron/core/coordinator/runs/run-file-name.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/project.zip';

/** Plays a worker: takes its next job (or null) and reports `exitCode`. */
async function work(c: TestCoordinator, workerId: string, exitCode = 0): Promise<string | null> {
  const got = await c.api('GET', `/api/jobs/get-job?workerId=${workerId}`);
  if (got.status !== 200) return null;
  const jobId = got.body.job.jobId as string;
  assert.equal((await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId, exitCode } })).status, 200);
  return jobId;
}

onBothEngines('run names and latest results', () => {
  let c: TestCoordinator;
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await c.api(method, path, body === undefined ? {} : { body });
    assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const status = (runId: string) => ok('GET', `/api/runs/status?runId=${runId}`);
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false });
    await c.register('w1');
    await c.register('w2');
    await c.register('w3');
  });
  afterEach(async () => {
    await c?.close();
  });

  it('names a run, keeps the name through re-runs as "(2)", "(3)", and shows each PC\'s latest attempt on the first run', async () => {
    const first = await ok('POST', '/api/runs/create', { name: '  Lab 3 - sorting ', mode: 'each', commands: 'x', fileUrl: FILE });
    for (const [w, code] of [
      ['w1', 0],
      ['w2', 1],
      ['w3', 1],
    ] as const)
      await work(c, w, code);
    const s1 = await status(first.runId);
    assert.equal(s1.name, 'Lab 3 - sorting', 'trimmed');
    assert.deepEqual(s1.latest, [], 'nothing re-run yet');

    const second = await ok('POST', '/api/runs/rerun', { runId: first.runId, only: 'failed' });
    assert.equal((await status(second.runId)).name, 'Lab 3 - sorting (2)');
    await work(c, 'w2', 0);
    await work(c, 'w3', 1);
    const third = await ok('POST', '/api/runs/rerun', { runId: second.runId, only: 'failed' });
    assert.equal((await status(third.runId)).name, 'Lab 3 - sorting (3)', 'counted over the whole family, not per parent');
    await work(c, 'w3', 0);

    const latest = await status(first.runId);
    const byWorker = Object.fromEntries(latest.latest.map((a: any) => [a.workerId, a]));
    assert.deepEqual(Object.keys(byWorker).sort(), ['w2', 'w3'], 'w1 passed the first time and was never re-run');
    assert.equal(byWorker.w2.runId, second.runId);
    assert.equal(byWorker.w3.runId, third.runId, 'the newest attempt wins, two re-runs deep');
    assert.equal(byWorker.w3.exitCode, 0);
    assert.equal(byWorker.w3.replaces, latest.jobs.find((j: any) => j.workerId === 'w3').jobId);
    assert.equal(latest.summary.failed, 2, "the run's own summary still counts its own attempts");
    assert.equal((await status(second.runId)).latest.length, 1, 'a re-run shows the attempts made after it');

    const listed = await ok('GET', '/api/runs/create');
    assert.deepEqual(
      listed.runs.map((r: any) => r.name),
      ['Lab 3 - sorting (3)', 'Lab 3 - sorting (2)', 'Lab 3 - sorting'],
    );
  });

  it('shows the latest attempt per zip for a map run, and names it through a multipart form', async () => {
    const data = new FormData();
    data.set('mode', 'map');
    data.set('commands', 'x');
    data.set('name', 'Übung 3');
    for (const name of ['alice.zip', 'bob.zip']) data.append('file', new Blob([new Uint8Array(await zipFiles([{ name: 'a.txt', content: name }]))]), name);
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: data });
    const created = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(created));
    const codes: Record<string, number> = { 'alice.zip': 0, 'bob.zip': 2 };
    for (let i = 0; i < 2; i++) {
      const got = await c.api('GET', `/api/jobs/get-job?workerId=w${i + 1}`);
      const job = got.body.job;
      await c.api('POST', '/api/jobs/submit-result', { body: { jobId: job.jobId, workerId: `w${i + 1}`, exitCode: codes[job.filename] } });
    }
    const again = await ok('POST', '/api/runs/rerun', { runId: created.runId, only: 'failed' });
    assert.equal((await status(again.runId)).name, 'Übung 3 (2)');
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w3');
    assert.equal(got.body.job.filename, 'bob.zip');
    await c.api('POST', '/api/jobs/submit-result', { body: { jobId: got.body.job.jobId, workerId: 'w3', exitCode: 0 } });
    const s = await status(created.runId);
    assert.deepEqual(
      s.latest.map((a: any) => [a.filename, a.exitCode, a.workerId, a.runId]),
      [['bob.zip', 0, 'w3', again.runId]],
    );

    const csv = await fetch(`${c.url}/api/runs/export?runId=${created.runId}&format=csv`);
    const disposition = csv.headers.get('content-disposition')!;
    const day = new Date(s.createdAt);
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    assert.match(disposition, /filename="_bung 3 \d{4}-\d\d-\d\d\.csv"/, 'an ASCII name for old readers');
    assert.ok(disposition.includes(`filename*=UTF-8''%C3%9Cbung%203%20${date}.csv`), disposition);
  });

  it('renames a run and removes its name; refuses names that are not printable or too long, and unknown runs', async () => {
    const r = await ok('POST', '/api/runs/create', { mode: 'each', commands: 'x', fileUrl: FILE });
    assert.equal((await status(r.runId)).name, null);
    assert.deepEqual(await ok('POST', '/api/runs/rename', { runId: r.runId, name: 'Exam B' }), { success: true, runId: r.runId, name: 'Exam B' });
    assert.equal((await status(r.runId)).name, 'Exam B');
    await ok('POST', '/api/runs/rename', { runId: r.runId, name: null });
    assert.equal((await status(r.runId)).name, null);
    for (const name of ['a\u001b[31mred', 'x'.repeat(121), '   ', 'right\u202eto-left']) {
      const refused = await c.api('POST', '/api/runs/rename', { body: { runId: r.runId, name } });
      assert.equal(refused.status, 400, `${JSON.stringify(name)}: ${JSON.stringify(refused.body)}`);
      const create = await c.api('POST', '/api/runs/create', { body: { name, mode: 'each', commands: 'x', fileUrl: FILE } });
      assert.equal(create.status, 400);
    }
    const missing = await c.api('POST', '/api/runs/rename', { body: { runId: 'run-nope', name: 'x' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'run_not_found');
  });
});

onBothEngines("a run's file names", () => {
  const at = new Date(2026, 11, 6, 23, 30).getTime();
  it('uses the name and the local date, without characters a file system refuses', () => {
    assert.equal(runFileName({ runId: 'run-1', name: 'Lab 3: sort/merge?', createdAt: at }, 'csv'), 'Lab 3 sort merge 2026-12-06.csv');
    assert.equal(runFileName({ runId: 'run-1', name: '..', createdAt: at }, 'csv'), 'run-1.csv', 'nothing left: the id');
    assert.equal(runFileName({ runId: 'run-1', name: 'CON', createdAt: at }, 'csv'), 'run-1.csv', 'a Windows device name');
    assert.equal(runFileName({ runId: 'run-1', name: null, createdAt: at }, 'zip', ' result files'), 'run-1 result files.zip');
  });
  it('quotes nothing a header could be split by', () => {
    const header = attachmentHeader('a"b\\c%d é.csv');
    assert.equal(header, `attachment; filename="a_b_c_d _.csv"; filename*=UTF-8''a%22b%5Cc%25d%20%C3%A9.csv`);
  });
});
