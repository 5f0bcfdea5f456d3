/**
 * Grading a class on real workers through the API: a map run of five student zips with hidden tests,
 * points and a students CSV gives the right verdicts and points (a student's own tests/run.sh does not
 * replace the teacher's); the Moodle, Canvas and gradebook CSVs parse into the expected columns with
 * formulas made inert; the feedback zip holds a file per student with their failures and the teacher's
 * comment; the copied submission is the top similarity pair; one student re-runs with new hidden tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCsv } from '../helpers/csv.ts';
import { HIDDEN_TESTS, POINTS, STUDENTS, STUDENTS_CSV } from '../helpers/grading-class.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { listWorkers, type Target } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip, readZip } from '../helpers/zip.ts';

describe('grading a class on real workers', () => {
  let c: TestCoordinator;
  let t: Target;
  const workers: CliProcess[] = [];
  let runId: string;
  let status: any;
  const auth = () => ({ authorization: `Bearer ${c.tokens.adminToken}` });
  const get = async (path: string) => {
    const res = await fetch(`${c.url}${path}`, { headers: auth() });
    assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
    return res;
  };
  const byStudent = (file: string) => status.jobs.find((j: any) => j.filename === file);
  const runDone = (id: string) =>
    waitFor(
      `run ${id} done`,
      async () => {
        const s = (await c.api('GET', `/api/runs/status?runId=${id}`)).body;
        return s.completedAt !== null && s.jobs.every((j: any) => j.status !== 'completed' || j.exitCode !== 0 || j.tests) ? s : undefined;
      },
      90_000,
      100,
    );

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    for (const id of ['pc-1', 'pc-2'])
      workers.push(
        startCli(['worker', '--server', c.url, '--id', id, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
          CMDX_JOIN_TOKEN: c.tokens.joinToken,
        }),
      );
    await waitFor('two workers idle', async () => ((await listWorkers(t)).filter((w) => w.status === 'idle').length === 2 ? true : undefined), 30_000);

    const form = new FormData();
    form.set('mode', 'map');
    form.set('name', 'Lab 4 sorting');
    form.set('commands', 'sh tests/run.sh');
    form.set('timeoutSeconds', '3');
    form.set('grading', JSON.stringify({ points: POINTS, defaultPoints: 1 }));
    form.set('students', STUDENTS_CSV);
    for (const s of STUDENTS) form.append('file', new Blob([new Uint8Array(await buildZip(s.items))]), s.file);
    form.append('tests', new Blob([new Uint8Array(await buildZip(HIDDEN_TESTS))]), 'hidden-tests.zip');
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: auth() });
    const created = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(created));
    runId = created.runId;
    status = await runDone(runId);
  });
  after(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await c?.close();
  });

  it("gives each student a verdict and points from the hidden tests; dave's own tests/run.sh does not replace the teacher's", () => {
    const seen = Object.fromEntries(STUDENTS.map((s) => [s.file, [byStudent(s.file).verdict, byStudent(s.file).points, byStudent(s.file).maxPoints]]));
    assert.deepEqual(seen, {
      'alice.zip': ['passed', 6, 6],
      'bob.zip': ['failed', 1, 6],
      'carol.zip': ['timed_out', null, null],
      'dave.zip': ['failed', 1, 6],
      'erin.zip': ['passed', 6, 6],
    });
    assert.deepEqual(byStudent('bob.zip').tests, { total: 3, passed: 1, failed: 2, skipped: 0 });
    assert.equal(byStudent('bob.zip').firstFailure.test, 'sort.numbers');
    assert.match(byStudent('bob.zip').firstFailure.message, /expected \[1 2 3 \] got \[3 1 2 \]/);
    assert.deepEqual(byStudent('alice.zip').student, { student: 'Alice Martin', id: 's001', email: 'alice@school.test' });
    assert.equal(byStudent('erin.zip').student.student, 'Erin Cole', 'a CSV row without .zip names erin.zip');
    assert.equal(status.grading.defaultPoints, 1);
  });

  it("lists a job's test cases with the points each earned", async () => {
    const tests = (await c.api('GET', `/api/jobs/tests?jobId=${byStudent('bob.zip').jobId}`)).body;
    assert.deepEqual(
      tests.cases.map((x: any) => [x.name, x.outcome, x.points, x.earned]),
      [
        ['empty', 'passed', 1, 1],
        ['numbers', 'failed', 3, 0],
        ['words', 'failed', 2, 0],
      ],
    );
  });

  it('exports Moodle, Canvas and the gradebook CSV with the expected columns, formulas inert', async () => {
    const comment = await c.api('POST', '/api/runs/comment', {
      body: { jobId: byStudent('bob.zip').jobId, comment: 'Sort the numbers, not just print them.' },
    });
    assert.equal(comment.status, 200, JSON.stringify(comment.body));

    const moodleRes = await get(`/api/runs/export?runId=${runId}&format=moodle`);
    assert.match(moodleRes.headers.get('content-disposition')!, /filename="Lab 4 sorting \d{4}-\d\d-\d\d moodle\.csv"/);
    const moodle = parseCsv((await moodleRes.text()).trim());
    assert.deepEqual(moodle[0], ['Email address', 'ID number', 'Full name', 'Grade', 'Feedback']);
    const bob = moodle.find((row) => row[0] === 'bob@school.test')!;
    assert.deepEqual(bob.slice(1, 4), ['s002', `'=HYPERLINK("http://evil.test")`, '1']);
    assert.equal(bob[4], 'Sort the numbers, not just print them.');
    assert.equal(moodle.find((row) => row[0] === 'carol@school.test')![3], '', 'no grade for a timeout');

    const canvas = parseCsv((await (await get(`/api/runs/export?runId=${runId}&format=canvas`)).text()).trim());
    assert.deepEqual(canvas[0], ['Student', 'ID', 'SIS User ID', 'Section', 'Lab 4 sorting']);
    assert.deepEqual(canvas[1], ['Points Possible', '', '', '', '6']);
    assert.deepEqual(
      canvas.find((row) => row[2] === 's001'),
      ['Alice Martin', '', 's001', '', '6'],
    );

    const csv = parseCsv((await (await get(`/api/runs/export?runId=${runId}&format=csv`)).text()).trim());
    const header = csv[0]!;
    for (const column of ['verdict', 'student', 'points', 'maxPoints', 'comment', 'test: sort.empty', 'test: sort.numbers', 'test: sort.words'])
      assert.ok(header.includes(column), column);
    const row = csv.find((r) => r[0] === 'dave.zip')!;
    const cell = (name: string) => row[header.indexOf(name)];
    assert.deepEqual([cell('verdict'), cell('points'), cell('test: sort.numbers'), cell('test: sort.empty')], ['failed', '1', 'failed', 'passed']);
  });

  it("zips one Markdown file per student with their failures, the teacher's comment and the log's end", async () => {
    const res = await get(`/api/runs/feedback?runId=${runId}`);
    const files = Object.fromEntries([...(await readZip(Buffer.from(await res.arrayBuffer())))].map(([name, bytes]) => [name, bytes.toString('utf8')]));
    assert.deepEqual(Object.keys(files).sort(), ['=HYPERLINK(_http___evil.test_).md', 'Alice Martin.md', 'Carol Ng.md', 'Dave Roy.md', 'Erin Cole.md']);
    const bob = files['=HYPERLINK(_http___evil.test_).md']!;
    assert.match(bob, /\*\*Verdict:\*\* Failed/);
    assert.match(bob, /\*\*Points:\*\* 1 \/ 6/);
    assert.match(bob, /✘ failed: `sort\.numbers`/);
    assert.match(bob, /expected \[1 2 3 \] got \[3 1 2 \]/);
    assert.match(bob, /> Sort the numbers, not just print them\./);
    assert.match(bob, /hidden tests ran/);
    assert.match(files['Carol Ng.md']!, /\*\*Verdict:\*\* Timed out/);
  });

  it('finds the copied submission: alice and erin first, the unrelated pairs low', async () => {
    const similar = (await c.api('GET', `/api/runs/similarity?runId=${runId}`)).body;
    const top = similar.pairs[0];
    assert.deepEqual([top.a.filename, top.b.filename].sort(), ['alice.zip', 'erin.zip']);
    assert.ok(top.ratio > 0.8, `ratio ${top.ratio}`);
    assert.ok(top.regions.length > 0 && top.regions[0].aPath === 'sort.sh');
    for (const pair of similar.pairs.slice(1)) assert.ok(pair.ratio < 0.5, `${pair.a.filename}/${pair.b.filename}: ${pair.ratio}`);
  });

  it('re-runs one student with new hidden tests, under the same name numbered (2)', async () => {
    const form = new FormData();
    form.set('runId', runId);
    form.set('only', 'all');
    form.set('jobIds', JSON.stringify([byStudent('bob.zip').jobId]));
    const changed = [{ name: 'tests/run.sh', content: 'echo \'<testsuite><testcase classname="sort" name="lenient"/></testsuite>\' > junit.xml\n' }];
    form.append('tests', new Blob([new Uint8Array(await buildZip(changed))]), 'tests-v2.zip');
    const res = await fetch(`${c.url}/api/runs/rerun`, { method: 'POST', body: form, headers: auth() });
    const again = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(again));
    assert.equal(again.count, 1);
    const rerun = await runDone(again.runId);
    assert.equal(rerun.name, 'Lab 4 sorting (2)');
    assert.deepEqual([rerun.jobs[0].filename, rerun.jobs[0].verdict, rerun.jobs[0].points, rerun.jobs[0].maxPoints], ['bob.zip', 'passed', 1, 1]);
    const first = (await c.api('GET', `/api/runs/status?runId=${runId}`)).body;
    assert.equal(first.latest[0].replaces, byStudent('bob.zip').jobId, "the first run shows bob's newest attempt");
  });
});
