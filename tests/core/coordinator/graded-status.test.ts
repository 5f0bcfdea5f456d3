/** A grading run's status names its students in its jobs and in their re-run attempts alike (`latest`), by the students CSV, else by the zip. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { buildZip } from '../../helpers/zip.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

onBothEngines("a grading run's status", () => {
  let c: TestCoordinator;
  before(async () => {
    c = await startTestCoordinator();
  });
  after(async () => {
    await c?.close();
  });

  it("names each re-run attempt's student as it names the first attempt's", async () => {
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'true');
    form.set('grading', '{}');
    form.set('students', 'file,student,id,email\nalice.zip,Alice Martin,s1,alice@example.edu\n');
    for (const name of ['alice.zip', 'bob.zip']) form.append('file', new Blob([new Uint8Array(await buildZip([{ name: 'a.sh', content: 'true\n' }]))]), name);
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    const { runId, jobIds } = (await res.json()) as { runId: string; jobIds: string[] };
    assert.equal(res.status, 200);
    const rerun = await c.api('POST', '/api/runs/rerun', { body: { runId, only: 'all', jobIds } });
    assert.equal(rerun.status, 200, JSON.stringify(rerun.body));

    const status = (await c.api('GET', `/api/runs/status?runId=${runId}`)).body;
    const students = (rows: any[]) => rows.map((r) => [r.filename, r.student]);
    const expected = [
      ['alice.zip', { student: 'Alice Martin', id: 's1', email: 'alice@example.edu' }],
      ['bob.zip', { student: 'bob', id: null, email: null }],
    ];
    assert.deepEqual(students(status.jobs), expected);
    assert.deepEqual(students(status.latest), expected, 'the re-run attempts too');
    assert.deepEqual(
      status.latest.map((r: any) => r.replaces),
      jobIds,
    );
  });
});
