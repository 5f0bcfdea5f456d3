/**
 * Tags, targets and runs through the API, with workers played by HTTP calls: who gets which job,
 * summaries derived from the jobs, identical-output groups, scores, CSV export, re-runs and bad input.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, it } from 'node:test';
import { parseCsv } from '../../helpers/csv.ts';
import { zipFiles } from '../../../electron/core/runner/zip-writer.ts';
import { safeCell, toCsv } from '../../../electron/core/coordinator/runs/csv.ts';
import { startTestCoordinator, waitForLongPoll, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/project.zip';

/** Plays a worker: takes its next job (or null), prints `output`, reports `exitCode`. */
async function work(c: TestCoordinator, workerId: string, output = '', exitCode = 0): Promise<string | null> {
  const got = await c.api('GET', `/api/jobs/get-job?workerId=${workerId}`);
  if (got.status !== 200) return null;
  const jobId = got.body.job.jobId as string;
  if (output) await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId, chunks: [{ stream: 'stdout', seq: 0, data: output }] } });
  const done = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId, exitCode } });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return jobId;
}

async function run(c: TestCoordinator, body: Record<string, unknown>): Promise<{ runId: string; jobIds: string[]; count: number }> {
  const res = await c.api('POST', '/api/runs/create', { body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function form(c: TestCoordinator, fields: Record<string, string>, zips: { name: string; content: string }[]) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  for (const zip of zips) data.append('file', new Blob([new Uint8Array(await zipFiles([{ name: 'a.txt', content: zip.content }]))]), zip.name);
  const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: data, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
  return { status: res.status, body: (await res.json()) as any };
}

onBothEngines('tags, targets and runs', () => {
  let c: TestCoordinator;
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false, offlineAfterSeconds: 2 });
    await c.register('w1', { tags: ['room-b'] });
    await c.register('w2', { tags: ['gpu', 'room-b'] });
    await c.register('w3');
  });
  afterEach(async () => {
    await c?.close();
  });

  it('a run refused for a bad form field keeps none of its zips, and says what the field must be', async () => {
    const uploads = () => readdirSync(join(c.dataDir, 'uploads')).filter((name) => name.endsWith('.zip')).length;
    const before = uploads();
    for (const [field, value, sentence] of [
      ['maxAttempts', 'x', /"maxAttempts" must be a whole number\./],
      ['target', '{', /"target" field is not valid JSON/],
      ['timeoutSeconds', '-5', /timeoutSeconds/],
    ] as const) {
      const res = await form(c, { mode: 'map', commands: 'true', [field]: value }, [{ name: 'a.zip', content: 'a' }]);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.error, sentence);
    }
    assert.equal(uploads(), before, 'no zip of a refused run stays');
  });

  it('keeps the tags a worker registers with, and lets the admin change them', async () => {
    const tagsOf = async () => Object.fromEntries((await c.api('GET', '/api/workers/register')).body.workers.map((w: any) => [w.workerId, w.tags]));
    assert.deepEqual(await tagsOf(), { w1: ['room-b'], w2: ['gpu', 'room-b'], w3: [] });
    const set = await c.api('POST', '/api/workers/tags', { body: { workerId: 'w3', tags: ['gpu', 'gpu', 'lab'] } });
    assert.equal(set.status, 200);
    assert.deepEqual((await tagsOf()).w3, ['gpu', 'lab']);
    await c.register('w3'); // a worker without --tags keeps what the admin set
    assert.deepEqual((await tagsOf()).w3, ['gpu', 'lab']);
    assert.equal((await c.api('POST', '/api/workers/tags', { body: { workerId: 'ghost', tags: [] } })).status, 404);
    assert.match((await c.api('POST', '/api/workers/tags', { body: { workerId: 'w1', tags: ['no spaces'] } })).body.error, /letters, digits/);
  });

  it('gives a targeted job only to a worker that matches, and refuses a target that selects nobody', async () => {
    const created = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip', target: { tags: ['gpu'] } } });
    assert.equal(created.status, 200);
    assert.equal(await work(c, 'w1'), null, 'w1 has no gpu tag');
    assert.equal(await work(c, 'w3'), null);
    assert.equal(await work(c, 'w2'), created.body.jobId);
    const job = (await c.api('GET', `/api/jobs/status?jobId=${created.body.jobId}`)).body;
    assert.deepEqual(job.target, { tags: ['gpu'] });
    const nobody = await c.api('POST', '/api/jobs/create', {
      body: { command: 'x', fileUrl: FILE, filename: 'a.zip', target: { tags: ['gpu'], os: 'win32' } },
    });
    assert.equal(nobody.status, 400);
    assert.match(nobody.body.error, /No registered worker matches the target \(PCs tagged gpu on win32\)/);
    const ghost = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip', target: { workers: ['w1', 'ghost'] } } });
    assert.match(ghost.body.error, /No worker named ghost is registered/);
    assert.equal((await c.api('GET', '/api/jobs/create')).body.count, 1, 'nothing was created by the refused requests');
  });

  it('broadcasts one job per matching worker, summarises, groups identical output, scores, exports and re-runs the failed', async () => {
    const r = await run(c, { mode: 'each', commands: 'node --version', target: { tags: ['room-b'] }, fileUrl: FILE, scorePattern: 'score=(\\d+)' });
    assert.equal(r.count, 2);
    assert.equal(await work(c, 'w3'), null, 'w3 is not in room-b');
    await work(c, 'w1', 'v24\nscore=3\nscore=7\n', 0);
    await work(c, 'w2', 'v20\n', 1);
    const status = (await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body;
    assert.deepEqual(status.summary, { total: 2, pending: 0, running: 0, passed: 1, failed: 1, cancelled: 0, waitingOffline: 0 });
    assert.ok(status.completedAt > 0);
    assert.deepEqual(
      status.jobs.map((j: any) => [j.workerId, j.status, j.exitCode, j.score]),
      [
        ['w1', 'completed', 0, 7],
        ['w2', 'completed', 1, null],
      ],
    );
    assert.equal(status.groups.length, 2, 'different output, two groups');
    const job = (await c.api('GET', `/api/jobs/status?jobId=${r.jobIds[0]}`)).body;
    assert.equal(job.runId, r.runId, 'a run job is an ordinary job that knows its run');

    const csv = await fetch(`${c.url}/api/runs/export?runId=${r.runId}&format=csv`);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      '"filename","workerId","hostname","status","exitCode","endReason","score","tests","durationSeconds","startedAt","completedAt","errorMessage","endReasonText","verdict"',
    );
    assert.match(lines[1]!, /^"project\.zip","w1","host-w1","completed",0,"exit",7,,\d+\.\d,"\d{4}-.*,"passed"$/);
    assert.equal(lines.length, 3);

    const again = await c.api('POST', '/api/runs/rerun', { body: { runId: r.runId, only: 'failed' } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.count, 1);
    assert.equal(await work(c, 'w1'), null, 'only the failed PC runs again');
    assert.equal(await work(c, 'w2', 'v24\n'), again.body.jobIds[0]);
    const list = (await c.api('GET', '/api/runs/create')).body;
    assert.deepEqual(
      list.runs.map((x: any) => x.runId),
      [again.body.runId, r.runId],
    );
    assert.equal(list.runs[0].summary.passed, 1);
    // The re-run and its run name each other: one class's results stay linked.
    assert.equal(list.runs[0].rerunOf, r.runId);
    assert.deepEqual(list.runs[1].reruns, [again.body.runId]);
    assert.equal(list.runs[1].rerunOf, null);
    const nothing = await c.api('POST', '/api/runs/rerun', { body: { runId: again.body.runId, only: 'failed' } });
    assert.equal(nothing.status, 400);
    assert.match(nothing.body.error, /nothing to re-run/);
  });

  it('groups byte-identical outputs together, largest group first', async () => {
    await c.register('w4');
    const r = await run(c, { mode: 'each', commands: 'x', fileUrl: FILE });
    assert.equal(r.count, 4);
    await work(c, 'w1', 'same\n');
    await work(c, 'w2', 'same\n');
    await work(c, 'w3', 'other\n');
    await work(c, 'w4', 'same\n');
    const status = (await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body;
    assert.deepEqual(
      status.groups.map((g: any) => g.count),
      [3, 1],
    );
    assert.equal(status.groups[1].jobIds[0], status.jobs.find((j: any) => j.workerId === 'w3').jobId);
  });

  it('keeps at most maxParallel of a broadcast running at once', async () => {
    const r = await run(c, { mode: 'each', commands: 'x', fileUrl: FILE, maxParallel: 1 });
    const first = await c.api('GET', '/api/jobs/get-job?workerId=w1');
    assert.equal(first.status, 200);
    assert.equal((await c.api('GET', '/api/jobs/get-job?workerId=w2')).status, 202, 'the run already runs one job');
    // A worker waiting in its long poll gets the freed slot the moment the running job ends, and is told so.
    const waiting = c.api('GET', '/api/jobs/get-job?workerId=w2&wait=20');
    await waitForLongPoll(c, 'w2');
    await c.api('POST', '/api/jobs/submit-result', { body: { jobId: first.body.job.jobId, workerId: 'w1', exitCode: 0 } });
    const got = await waiting;
    assert.equal(got.status, 200, JSON.stringify(got.body));
    await c.api('POST', '/api/jobs/submit-result', { body: { jobId: got.body.job.jobId, workerId: 'w2', exitCode: 0 } });
    assert.ok(await work(c, 'w3'));
    assert.equal((await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body.summary.passed, 3);
  });

  it('counts jobs waiting for offline workers, and fails them with worker_offline at the deadline', async () => {
    await waitFor(
      'workers offline',
      async () => (await c.api('GET', '/api/workers/register')).body.workers.every((w: any) => w.status === 'offline') || undefined,
      10_000,
    );
    const r = await run(c, { mode: 'each', commands: 'x', fileUrl: FILE, deadlineSeconds: 2, target: { workers: ['w1'] } });
    let status = (await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body;
    assert.equal(status.summary.waitingOffline, 1);
    status = await waitFor(
      'the deadline',
      async () => {
        const s = (await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body;
        return s.summary.failed === 1 ? s : undefined;
      },
      10_000,
    );
    assert.equal(status.jobs[0].endReason, 'worker_offline');
    assert.match(status.jobs[0].errorMessage, /w1 was not online to take this job before the run's deadline/);
  });

  it('maps one job per zip over the matching workers, with scores', async () => {
    const zips = Array.from({ length: 5 }, (_, i) => ({ name: `student-${i}.zip`, content: `s${i}` }));
    const res = await form(c, { mode: 'map', commands: 'npm test', scorePattern: 'passed (\\d+)', target: JSON.stringify({ tags: ['room-b'] }) }, zips);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.count, 5);
    assert.equal(await work(c, 'w3'), null);
    let n = 0;
    while ((await work(c, n % 2 ? 'w1' : 'w2', `tests passed ${n}\n`)) !== null) n++;
    assert.equal(n, 5);
    const status = (await c.api('GET', `/api/runs/status?runId=${res.body.runId}`)).body;
    assert.deepEqual(status.jobs.map((j: any) => j.filename).sort(), zips.map((z) => z.name).sort());
    assert.deepEqual(
      status.jobs.map((j: any) => j.score),
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(new Set(status.jobs.map((j: any) => j.workerId)), new Set(['w1', 'w2']));
  });

  it('refuses bad runs with a sentence and creates nothing', async () => {
    const bad = async (body: Record<string, unknown>, pattern: RegExp) => {
      const res = await c.api('POST', '/api/runs/create', { body });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.error, pattern);
    };
    await bad({ mode: 'each', commands: 'x', target: { workers: ['ghost'] } }, /No worker named ghost/);
    await bad({ mode: 'each', commands: 'x', target: { tags: ['nope'] } }, /No registered worker matches/);
    await bad({ mode: 'each', commands: 'x', maxParallel: 0 }, /maxParallel/);
    await bad({ mode: 'each', commands: 'x', scorePattern: '(unclosed' }, /scorePattern is not a valid regular expression/);
    await bad({ mode: 'each', commands: 'x', scorePattern: 'no group' }, /needs one capture group/);
    await bad({ mode: 'map', commands: 'x' }, /A map run needs its zips/);
    await bad({ mode: 'sideways', commands: 'x' }, /mode/);
    // A pattern that backtracks for ages in a backtracking engine is compiled by RE2, which has no backtracking.
    const r = await run(c, { mode: 'each', commands: 'x', fileUrl: FILE, scorePattern: '^(a+)+$', target: { workers: ['w1'] } });
    const started = performance.now();
    await work(c, 'w1', `${'a'.repeat(5000)}b\n`);
    console.log(`score of a catastrophic-backtracking pattern over 5,000 characters: ${Math.round(performance.now() - started)} ms`);
    assert.equal((await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body.jobs[0].score, null);
    const many = await form(
      c,
      { mode: 'map', commands: 'x' },
      Array.from({ length: 501 }, (_, i) => ({ name: `${i}.zip`, content: 'x' })),
    );
    assert.equal(many.status, 400);
    assert.match(many.body.error, /Too many zips: a run takes at most 500/);
    for (const path of ['/api/runs/status?runId=nope', '/api/runs/export?runId=nope']) assert.equal((await c.api('GET', path)).status, 404);
    assert.equal((await c.api('POST', '/api/runs/cancel', { body: { runId: 'nope' } })).status, 404);
    assert.equal((await c.api('POST', '/api/runs/rerun', { body: { runId: 'nope', only: 'failed' } })).status, 404);
    assert.equal((await c.api('GET', '/api/runs/create')).body.total, 1, 'only the good run exists');
  });

  it('cancels a run: pending jobs at once, running ones through their workers', async () => {
    const r = await run(c, { mode: 'each', commands: 'x', fileUrl: FILE });
    await c.api('GET', '/api/jobs/get-job?workerId=w1');
    const res = await c.api('POST', '/api/runs/cancel', { body: { runId: r.runId } });
    assert.deepEqual(res.body, { success: true, runId: r.runId, cancelled: 2, cancelling: 1 });
    const summary = (await c.api('GET', `/api/runs/status?runId=${r.runId}`)).body.summary;
    assert.equal(summary.cancelled, 2);
    assert.equal(summary.running, 1);
  });
});

onBothEngines('CSV export cells', () => {
  it('quotes as RFC 4180 says and makes formula-looking cells inert', () => {
    assert.equal(safeCell('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`);
    assert.equal(safeCell('+1'), "'+1");
    assert.equal(safeCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(safeCell('-2+3'), "'-2+3");
    assert.equal(safeCell(-2), '-2', 'a negative number stays a number');
    assert.equal(safeCell(null), '');
    assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"\nbye']]), '"a","b"\r\n"x,y","say ""hi""\nbye"\r\n');
  });

  it("leaves no formula for a reader whose list separator is ';' or TAB (de, fr, es, LibreOffice), fullwidth forms included", () => {
    const attacks = [
      "pc07;=cmd|' /C calc'!A0",
      'zip broken;=1+1',
      'a\t@SUM(A1)',
      ' =1+1',
      'x; +1',
      '\uff1dcmd|"/C calc"!A0',
      'ok;\uff20SUM(1)',
      '-3+3;-1',
      '\t=1',
    ];
    const csv = toCsv(
      ['hostname', 'errorMessage'],
      attacks.map((attack) => [attack, 7]),
    );
    for (const separator of [',', ';', '\t']) {
      for (const row of parseCsv(csv, separator).slice(1)) {
        for (const cell of row)
          assert.doesNotMatch(cell.trimStart(), /^[=+\-@\uff1d\uff0b\uff0d\uff20]/, `separator ${JSON.stringify(separator)}: ${row.join(' | ')}`);
      }
    }
    // A reader with ',' gets the text back behind one apostrophe per part.
    assert.deepEqual(parseCsv(csv)[1], ["pc07;'=cmd|' /C calc'!A0", '7']);
  });
});
