/** countJunit as its callers know it, and the helper thread: counts as before, and whole reports off the event loop. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countJunit } from '../../../../electron/core/coordinator/files/junit.ts';
import { countJunitOffThread, readReportsOffThread } from '../../../../electron/core/coordinator/files/junit-thread.ts';

/** The report tests/integration/artifacts.test.ts brings back from a job. */
const JUNIT = `<?xml version="1.0"?>
<testsuites>
  <testsuite name="math">
    <testcase name="adds"/>
    <testcase name="subtracts"><failure message="2 != 3"/></testcase>
    <testcase name="divides"><skipped/></testcase>
  </testsuite>
  <testsuite name="strings"><testcase name="joins"/><testcase name="splits"><error/></testcase></testsuite>
</testsuites>`;

describe('countJunit and the report thread', () => {
  it('counts as before: failures and errors are failed; not a report is null', () => {
    assert.deepEqual(countJunit(JUNIT), { total: 5, passed: 2, failed: 2, skipped: 1 });
    assert.deepEqual(countJunit('<testsuite tests="2" failures="1"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>'), {
      total: 2,
      passed: 1,
      failed: 1,
      skipped: 0,
    });
    assert.deepEqual(countJunit('<testsuite name="empty"/>'), { total: 0, passed: 0, failed: 0, skipped: 0 });
    assert.equal(countJunit('<testsuite tests="NaN"><<testcase name="&bogus;"'), null);
    assert.equal(countJunit('<testsuites/>'), null);
    assert.equal(countJunit('1..1\nok 1'), null, 'countJunit reads JUnit only');
  });

  it('counts a suite that lists only its totals by them, no longer as 0/0', () => {
    assert.deepEqual(countJunit('<testsuite tests="10" failures="7"/>'), { total: 10, passed: 3, failed: 7, skipped: 0 });
  });

  it('counts in the thread as countJunit does', async () => {
    assert.deepEqual(await countJunitOffThread(JUNIT), { total: 5, passed: 2, failed: 2, skipped: 1 });
    assert.equal(await countJunitOffThread('<testsuite><testcase name="a">'), null);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => countJunitOffThread(`<testsuite>${'<testcase name="t"/>'.repeat(i)}</testsuite>`)));
    assert.deepEqual(
      answers.map((counts) => counts?.total),
      Array.from({ length: 20 }, (_, i) => i),
      'each answer goes to its own request',
    );
  });

  it("reads a job's report files in the thread: cases, merged counts, and the files it could not read", async () => {
    const read = await readReportsOffThread([
      { fileName: 'reports/junit.xml', text: JUNIT },
      { fileName: 'unit.tap', text: 'TAP version 13\nok 1 - loads\nnot ok 2 - saves\n  ---\n  message: disk full\n  ...\n1..2\n' },
      { fileName: 'TEST-broken.xml', text: '<testsuite>' },
    ]);
    assert.deepEqual(read.report?.formats, ['junit', 'tap']);
    assert.deepEqual(read.report?.counts, { total: 7, passed: 3, failed: 3, skipped: 1 });
    assert.deepEqual(read.report?.cases.at(-1), { name: 'saves', classname: 'unit', outcome: 'failed', timeSeconds: null, message: 'disk full' });
    assert.deepEqual(read.report?.cases[1], { name: 'subtracts', classname: 'math', outcome: 'failed', timeSeconds: null, message: '2 != 3' });
    assert.deepEqual(
      read.unread.map((u) => u.fileName),
      ['TEST-broken.xml'],
    );
    assert.deepEqual(await readReportsOffThread([]), { report: null, unread: [] });
  });

  it('keeps the event loop turning while a large report is read', async () => {
    const cases = Array.from({ length: 60_000 }, (_, i) => `<testcase classname="pkg.Class${i % 50}" name="test_${i}" time="0.001"/>`).join('\n');
    const xml = `<testsuites><testsuite name="big">${cases}</testsuite></testsuites>`;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const read = await readReportsOffThread([{ fileName: 'junit.xml', text: xml }]);
    const took = performance.now() - started;
    clearInterval(timer);
    assert.equal(read.report?.counts.total, 60_000);
    assert.equal(read.report?.cases.length, 10_000);
    assert.ok(ticks >= Math.min(3, took / 20), `${ticks} timer ticks in ${Math.round(took)} ms`);
  });
});
