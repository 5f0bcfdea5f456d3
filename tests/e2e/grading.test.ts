/**
 * Grading a class on the dashboard in real Chromium, against a real coordinator and two real worker
 * processes: four students' zips dropped on the form, its Grading section filled in (test reports,
 * hidden tests built here, points, a students CSV, starter code, a time limit in seconds); the
 * gradebook's verdicts (Passed, Failed, Timed out: Dave's fake tests replaced by the hidden ones),
 * points and first failing tests, sorted, filtered and by keyboard; a comment; the CSV, Moodle CSV
 * and feedback zip downloaded and read; the similarity check finding the planted copy with its code
 * side by side; re-running one student and everyone with changed hidden tests. Writes the
 * grading-form, gradebook and similarity screenshots.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, logIn, SCREENSHOTS_DIR, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { parseCsv } from '../helpers/csv.ts';
import * as CLASS from '../helpers/grading-lab.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip, readZip } from '../helpers/zip.ts';

interface Row {
  student: string;
  verdict: string;
  points: string;
  tests: string;
  failure: string;
  comment: string;
  job: string;
}

describe('grading a class on the dashboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let page: Page;
  let runUrl = '';
  const workers: CliProcess[] = [];

  /** The gradebook's rows as shown, top to bottom. */
  const gradebook = (): Promise<Row[]> =>
    page.locator('[data-testid="gradebook"] tbody tr').evaluateAll((rows) =>
      rows.map((tr) => {
        const text = (id: string) => (tr.querySelector(`[data-testid="${id}"]`)?.textContent ?? '').trim();
        return {
          student: text('grade-student'),
          verdict: text('grade-verdict'),
          points: text('grade-points'),
          tests: text('grade-tests'),
          failure: text('grade-failure'),
          comment: text('grade-comment'),
          job: tr.getAttribute('data-job') ?? '',
        };
      }),
    );
  const byStudent = async () => Object.fromEntries((await gradebook()).map((r) => [r.student, r]));
  const waitForGradebook = (what: string, test: (rows: Record<string, Row>) => boolean, timeoutMs = 60_000) =>
    waitFor(what, async () => (test(await byStudent()) ? true : undefined), timeoutMs, 100);
  const download = async (name: string) => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('group', { name: 'Download' }).getByRole('button', { name, exact: true }).click(),
    ]);
    return { name: file.suggestedFilename(), body: readFileSync(await file.path()) };
  };

  before(async () => {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    c = await startTestCoordinator();
    for (const id of ['lab-pc-01', 'lab-pc-02'])
      workers.push(
        startCli(['worker', '--server', c.url, '--id', id, '--name', id, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
          CMDX_JOIN_TOKEN: c.tokens.joinToken,
        }),
      );
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    page = await context.newPage();
    await logIn(page, c.url, c.tokens.adminToken);
    for (const id of ['lab-pc-01', 'lab-pc-02']) await waitForText(page.locator(`[data-worker="${id}"]`), /Idle/, 20_000);
  });

  after(async () => {
    await browser?.close();
    for (const w of workers) await w.kill('SIGKILL');
    await c?.close();
  });

  /** A screenshot of `selector` for the docs, in a window tall enough that nothing scrolls (the sticky top bar stays at the top). */
  const shoot = async (selector: string, name: string) => {
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width, height: 2400 });
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await page.locator(selector).screenshot({ path: join(SCREENSHOTS_DIR, name) });
    await page.setViewportSize(size);
  };

  it('fills the Grading section for four dropped zips: test reports, hidden tests, points, the students CSV, starter code, a limit in seconds', async () => {
    await page.goto(`${c.url}/#/new`);
    const zips = await Promise.all(CLASS.STUDENTS.map(async (s) => ({ name: s.zip, b64: (await buildZip(s.items)).toString('base64') })));
    // A real drop: a DataTransfer holding the files, as the browser builds it when zips are dragged in.
    const dataTransfer = await page.evaluateHandle((files) => {
      const g = globalThis as any;
      const transfer = new g.DataTransfer();
      for (const f of files)
        transfer.items.add(new g.File([Uint8Array.from(g.atob(f.b64), (ch: string) => ch.charCodeAt(0))], f.name, { type: 'application/zip' }));
      return transfer;
    }, zips);
    await page.getByTestId('zip-drop').dispatchEvent('drop', { dataTransfer });
    await waitForText(page.getByTestId('zip-list'), /4 zips/);
    const section = page.getByTestId('grading-section');
    assert.equal(await section.evaluate((d) => (d as any).open), false, 'folded until opened');
    await page.getByLabel(/^Commands/).fill(CLASS.GRADING_COMMANDS);
    await page.getByRole('spinbutton', { name: /Time limit/ }).fill(String(CLASS.TIME_LIMIT_SECONDS));
    await page.getByTestId('time-unit').selectOption('s');
    await page.getByLabel(/^Name/).fill('Lab 4 - sorting');

    await section.locator('summary').click();
    await section.getByLabel(/^Test reports/).fill('junit.xml');
    const zipFile = async (name: string, items: Parameters<typeof buildZip>[0]) => ({ name, mimeType: 'application/zip', buffer: await buildZip(items) });
    await section.getByLabel(/^Hidden tests/).setInputFiles(await zipFile('hidden-tests.zip', CLASS.HIDDEN_TESTS));
    await waitForText(page.getByTestId('hidden-tests-chosen'), /^hidden-tests\.zip \(/);
    for (const [i, rule] of CLASS.POINTS.entries()) {
      await section.getByRole('button', { name: "Add a test's points" }).click();
      await section.getByLabel(`Test pattern, row ${i + 1}`).fill(rule.test);
      await section.getByLabel(`Points, row ${i + 1}`).fill(String(rule.points));
    }
    await section.getByLabel(/^Every other test/).fill(String(CLASS.DEFAULT_POINTS));
    await section.getByLabel(/^Students/).setInputFiles({ name: 'class.csv', mimeType: 'text/csv', buffer: Buffer.from(CLASS.STUDENTS_CSV) });
    await waitForText(page.getByTestId('students-count'), /^4 students in class\.csv$/);
    await section.getByLabel(/^Starter code/).setInputFiles(await zipFile('starter.zip', CLASS.STARTER));
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur()); // no focus ring in the picture
    await shoot('form.new-job', 'grading-form.png');

    await page.getByRole('button', { name: 'Run 4 zips' }).click();
    await page.waitForURL(/#\/runs\/run-/);
    runUrl = page.url();
    await waitForText(page.locator('main h1'), /^Lab 4 - sorting$/);
    const run = (await c.api('GET', `/api/runs/status?runId=${runUrl.split('#/runs/')[1]}`)).body;
    assert.equal(run.timeoutSeconds, CLASS.TIME_LIMIT_SECONDS);
    assert.deepEqual(run.grading.points, CLASS.POINTS);
    assert.equal(run.grading.defaultPoints, CLASS.DEFAULT_POINTS);
    assert.deepEqual(run.grading.report, ['junit.xml']);
    assert.match(run.grading.testsUrl, /^\/uploads\//);
    assert.match(run.grading.baseUrl, /^\/uploads\//);
  });

  it("shows each student's verdict, points, tests and first failing test: Dave's own tests did not count", async () => {
    await waitForGradebook(
      'every student ended',
      (rows) => Object.values(rows).length === 4 && Object.values(rows).every((r) => !/Waiting|Running/.test(r.verdict)),
    );
    const rows = await byStudent();
    assert.deepEqual(Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, [r.verdict, r.points, r.tests]])), {
      'Alice Martin': ['Passed', '10 / 10', '3/3'],
      'Bob Chen': ['Failed (exit 1)', '5 / 10', '2/3'],
      'Carol Diaz': ['Timed out', '—', '—'],
      'Dave Evans': ['Failed (exit 1)', '5 / 10', '2/3'],
    });
    assert.match(rows['Bob Chen']!.failure, /^sort\.test_sorts_numbers\s*expected '1 2 3 4 5', got '4 3 2 1 5'$/);
    assert.equal(rows['Dave Evans']!.failure, rows['Bob Chen']!.failure);
    assert.equal(rows['Alice Martin']!.failure, '—');
    const dave = (await c.api('GET', `/api/jobs/log?jobId=${rows['Dave Evans']!.job}&format=text`)).body as string;
    assert.match(dave, /hidden tests: 1 file unpacked over the project \(1 replaced the project's own\)/);
    assert.match(dave, /1 of 3 checks failed/);
    await waitForText(page.locator('#gradebook-title'), /4 students · average 6\.7 \/ 10 points/);
    assert.equal(await page.getByRole('button', { name: 'Export CSV' }).count(), 0, 'the gradebook exports, not the header');
  });

  it('sorts by each column (aria-sort), filters by name and verdict, and moves by keyboard', async () => {
    const order = async () => (await gradebook()).map((r) => r.student.split(' ')[0]);
    assert.deepEqual(await order(), ['Alice', 'Bob', 'Carol', 'Dave'], 'by student at first');
    const points = page.getByRole('columnheader', { name: 'Points' });
    await points.getByRole('button').click();
    assert.equal(await points.getAttribute('aria-sort'), 'descending');
    assert.equal(await page.getByRole('columnheader', { name: 'Student' }).getAttribute('aria-sort'), null);
    assert.deepEqual(await order(), ['Alice', 'Bob', 'Dave', 'Carol'], 'most points first, no points last');
    await points.getByRole('button').click();
    assert.equal(await points.getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await order(), ['Bob', 'Dave', 'Alice', 'Carol']);
    await page.getByRole('columnheader', { name: 'Verdict' }).getByRole('button').click();
    assert.deepEqual(await order(), ['Alice', 'Bob', 'Dave', 'Carol'], 'passed, failed, timed out');

    await page.getByLabel('Find a student').fill('car');
    await waitForText(page.getByTestId('gradebook-count'), /^1 of 4 shown$/);
    assert.deepEqual(await order(), ['Carol']);
    await page.getByLabel('Find a student').fill('');
    await page.getByTestId('verdict-filter').selectOption('failed');
    await waitForText(page.getByTestId('gradebook-count'), /^2 of 4 shown$/);
    assert.deepEqual(await order(), ['Bob', 'Dave']);
    await page.getByTestId('verdict-filter').selectOption('all');
    await page.getByRole('columnheader', { name: 'Student' }).getByRole('button').click();

    // One tab stop (the row last focused, or the first); Home, End and the arrows move; Enter opens the student's log.
    const rows = page.locator('[data-testid="gradebook"] tbody tr');
    assert.deepEqual((await rows.evaluateAll((trs) => trs.map((tr) => (tr as any).tabIndex))).sort(), [-1, -1, -1, 0]);
    await page.locator('[data-testid="gradebook"] tbody tr[tabindex="0"]').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement.getAttribute('data-job')), await rows.nth(2).getAttribute('data-job'));
    const carol = (await byStudent())['Carol Diaz']!.job;
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/jobs/${carol}$`));
    await waitForText(page.locator('.job-head'), /Timed out/);
    await page.goto(runUrl);
    await waitForGradebook('the gradebook again', (r) => r['Carol Diaz']?.verdict === 'Timed out');
  });

  it('takes a comment for a student in a dialog, shown in the row and kept by the coordinator', async () => {
    await page.getByRole('button', { name: 'Add comment for Bob Chen' }).click();
    const dialog = page.getByTestId('comment-dialog');
    await waitForText(dialog.getByRole('heading'), /^Comment for Bob Chen$/);
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement.id), 'comment-text', 'the field has the focus');
    await dialog.getByLabel('Comment').fill('One pass of bubble sort is not enough: repeat it until nothing moves.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForGradebook('the comment in the row', (rows) => /^One pass of bubble sort/.test(rows['Bob Chen']!.comment));
    await waitForText(page.getByTestId('gradebook-notice'), /^Comment saved\.$/);
    const bob = (await byStudent())['Bob Chen']!.job;
    const status = (await c.api('GET', `/api/runs/status?runId=${runUrl.split('#/runs/')[1]}`)).body;
    assert.match(status.jobs.find((j: any) => j.jobId === bob).comment, /^One pass of bubble sort/);
    assert.equal(await page.getByRole('button', { name: 'Edit comment for Bob Chen' }).count(), 1);
    await shoot('.gradebook', 'gradebook.png');
  });

  it('downloads the CSV, the Moodle CSV, the Canvas CSV and the feedback zip, each about the four students', async () => {
    const csv = await download('CSV');
    assert.match(csv.name, /^Lab 4 - sorting \d{4}-\d\d-\d\d\.csv$/);
    const rows = parseCsv(csv.body.toString('utf8').trim());
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    for (const name of ['student', 'studentId', 'email', 'points', 'maxPoints', 'firstFailure', 'comment', 'verdict', 'test: sort.test_sorts_numbers'])
      assert.ok(col(name) >= 0, `a ${name} column`);
    const bob = rows.find((r) => r[col('student')] === 'Bob Chen')!;
    assert.deepEqual(
      [bob[col('points')], bob[col('maxPoints')], bob[col('verdict')], bob[col('test: sort.test_sorts_numbers')]],
      ['5', '10', 'failed', 'failed'],
    );
    assert.match(bob[col('comment')]!, /^One pass of bubble sort/);
    assert.equal(rows.find((r) => r[col('student')] === 'Carol Diaz')![col('verdict')], 'timed_out');

    const moodle = parseCsv((await download('Moodle CSV')).body.toString('utf8').trim());
    assert.deepEqual(moodle[0], ['Email address', 'ID number', 'Full name', 'Grade', 'Feedback']);
    assert.deepEqual(
      moodle.slice(1).map((r) => r.slice(0, 4)),
      [
        ['alice@example.edu', 's1001', 'Alice Martin', '10'],
        ['bob@example.edu', 's1002', 'Bob Chen', '5'],
        ['carol@example.edu', 's1003', 'Carol Diaz', ''],
        ['dave@example.edu', 's1004', 'Dave Evans', '5'],
      ],
    );
    assert.match(moodle[2]![4]!, /^One pass of bubble sort/);
    assert.equal(moodle[3]![4], 'Timed out');

    const canvas = parseCsv((await download('Canvas CSV')).body.toString('utf8').trim());
    assert.deepEqual(canvas[0], ['Student', 'ID', 'SIS User ID', 'Section', 'Lab 4 - sorting']);
    assert.deepEqual(canvas[1], ['Points Possible', '', '', '', '10']);

    const feedback = await download('Feedback (zip)');
    assert.match(feedback.name, /feedback\.zip$/);
    const files = await readZip(feedback.body);
    assert.deepEqual([...files.keys()].sort(), ['Alice Martin.md', 'Bob Chen.md', 'Carol Diaz.md', 'Dave Evans.md']);
    const bobMd = files.get('Bob Chen.md')!.toString('utf8');
    assert.match(bobMd, /^# Bob Chen: Lab 4 - sorting/);
    assert.match(bobMd, /\*\*Points:\*\* 5 \/ 10/);
    assert.match(bobMd, /## Comment\n\n> One pass of bubble sort/);
    assert.match(bobMd, /✘ failed: `sort\.test_sorts_numbers`/);
    assert.match(files.get('Carol Diaz.md')!.toString('utf8'), /\*\*Verdict:\*\* Timed out/);
  });

  it('checks similarity: the planted copy first, its matching lines side by side from both zips', async () => {
    await page.getByRole('button', { name: 'Check similarity' }).click();
    const pairs = page.getByTestId('similarity-pairs').locator('li button');
    await waitForText(pairs.first(), /\w/);
    assert.equal(await pairs.first().textContent(), 'Bob Chen and Dave Evans: 100 % similar');
    for (const text of (await pairs.allTextContents()).slice(1)) {
      const percent = Number(/: (\d+) % similar$/.exec(text)?.[1]);
      assert.ok(percent < 50, `${text}: the others share little beyond the starter code`);
    }
    await pairs.first().click();
    assert.equal(await pairs.first().getAttribute('aria-pressed'), 'true');
    const region = page.getByTestId('similar-region').first();
    await waitForText(region.locator('.code-side').nth(1).locator('.code-lines'), /last=\$x/);
    const [bobSide, daveSide] = [region.locator('.code-side').nth(0), region.locator('.code-side').nth(1)];
    assert.match((await bobSide.locator('figcaption').textContent())!, /^Bob Chen sort\.sh lines \d+–\d+$/);
    assert.match((await bobSide.locator('.code-line.match').allTextContents()).join('\n'), /prev=\$n/);
    assert.match((await daveSide.locator('.code-line.match').allTextContents()).join('\n'), /last=\$x/);
    assert.ok((await bobSide.locator('.code-line.match').count()) >= 10, 'the copied loop is marked');
    await shoot('.similarity', 'similarity.png');
  });

  it('re-runs one student, then everyone with changed hidden tests; the gradebook shows the latest attempts and keeps the comment', async () => {
    const before = await byStudent();
    await page.getByRole('button', { name: 'Re-run Dave Evans' }).click();
    await waitForText(page.getByTestId('gradebook-notice'), /^Running Dave Evans again: this gradebook shows the new results as they come\. Open the new run$/);
    await waitForGradebook('Dave re-run', (rows) => rows['Dave Evans']!.job !== before['Dave Evans']!.job && rows['Dave Evans']!.verdict === 'Failed (exit 1)');
    assert.equal((await byStudent())['Alice Martin']!.job, before['Alice Martin']!.job, 'the others keep their attempt');

    await page.getByRole('button', { name: 'Re-run failed' }).click();
    await waitForText(page.getByRole('dialog').getByRole('heading'), /^Re-run the 3 failed jobs\?$/);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Re-run all with new hidden tests…' }).click();
    const dialog = page.getByTestId('rerun-tests-dialog');
    await dialog
      .getByLabel(/^New hidden tests/)
      .setInputFiles({ name: 'hidden-tests-v2.zip', mimeType: 'application/zip', buffer: await buildZip(CLASS.CHANGED_HIDDEN_TESTS) });
    await dialog.getByRole('button', { name: 'Re-run 4 students' }).click();
    await waitForText(page.getByTestId('gradebook-notice'), /^Running every student again with hidden-tests-v2\.zip/);
    await waitForGradebook(
      'the new tests graded',
      (rows) =>
        rows['Bob Chen']!.verdict === 'Passed' &&
        rows['Dave Evans']!.verdict === 'Passed' &&
        rows['Carol Diaz']!.job !== before['Carol Diaz']!.job &&
        rows['Carol Diaz']!.verdict === 'Timed out',
    );
    const rows = await byStudent();
    assert.deepEqual([rows['Bob Chen']!.points, rows['Bob Chen']!.tests], ['10 / 10', '3/3']);
    assert.match(rows['Bob Chen']!.comment, /^One pass of bubble sort/, 'the comment stays with the student');
    assert.match((await page.locator('[data-job]', { hasText: 'Bob Chen' }).textContent())!, /bob\.zip · re-run/);
    const moodle = parseCsv((await download('Moodle CSV')).body.toString('utf8').trim());
    assert.deepEqual(
      moodle.slice(1).map((r) => r[3]),
      ['10', '10', '', '10'],
      'every export over the latest attempts',
    );
    assert.match(moodle[2]![4]!, /^One pass of bubble sort/);
  });
});
