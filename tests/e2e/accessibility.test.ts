/**
 * An accessibility audit of every page and dialog of the dashboard with axe-core (WCAG 2.0 and 2.1,
 * A and AA, and axe's best practices), in real Chromium against a real coordinator and real workers,
 * at a laptop's 1366×768 and a phone's 390×844: the login, the home page (workers, jobs, runs), a
 * passed (also with its note on the log's order open) and a failed job, a job and a run that do not
 * exist, a run with failed tiles, scores and an output diff, Add a worker with PCs asking to join,
 * the lab policy, Manage a worker, the new-job form and its confirmation, and a grading run: its
 * gradebook, comment and re-run dialogs, the similarity check side by side, the form's Grading section. A page
 * fails on any serious or critical violation; every finding is printed (CMDX_AXE_REPORT=<file>
 * also writes them as JSON).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { audit, blocking, describeFindings, type Finding } from '../helpers/axe.ts';
import { launchChromium, logIn, signInAs, useAdminToken, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { waitForScreen } from '../helpers/log-screen.ts';
import { signIn } from '../helpers/people.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import * as CLASS from '../helpers/grading-lab.ts';
import { buildZip } from '../helpers/zip.ts';

const VIEWPORTS = [
  { name: 'laptop', width: 1366, height: 768 },
  { name: 'phone', width: 390, height: 844 },
];

/** A grader that prints enough lines for the run page's output preview to scroll, a score, and exits with `exit`. */
function gradeScript(score: number, exit: number): string {
  const lines = Array.from({ length: 30 }, (_, i) => `echo "test ${i + 1}: ${i < score / 10 ? 'ok' : 'FAIL'}"`);
  return `${lines.join('\n')}\necho "Score: ${score}" \necho "graded" >&2\nexit ${exit}\n`;
}

describe('accessibility of the dashboard (axe-core, WCAG 2 A/AA) in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  const workers: CliProcess[] = [];
  let passedJob = '';
  let failedJob = '';
  let pendingJob = '';
  let cancelledJob = '';
  let runId = '';
  let gradingRunId = '';
  const report: Record<string, Finding[]> = {};
  /** Each viewport's teacher, added on the People page. */
  const passwords: Record<string, string> = {};

  const startWorker = (id: string, tags: string) =>
    startCli(['worker', '--server', c.url, '--id', id, '--name', id, '--tags', tags, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });

  before(async () => {
    c = await startTestCoordinator();
    workers.push(startWorker('lab-pc-01', 'room-a'), startWorker('lab-pc-02', 'room-b,gpu'));
    await waitFor(
      'two idle workers',
      async () => (await c.api('GET', '/api/workers/register')).body.workers.filter((w: any) => w.status === 'idle').length === 2 || undefined,
      20_000,
    );
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    passedJob = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo building\necho "a warning" >&2\necho done');
    failedJob = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo starting\necho "something broke" >&2\nexit 3');
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'sh grade.sh');
    form.set('scorePattern', 'Score: (\\d+)');
    for (const [name, score, exit] of [
      ['alice.zip', 100, 0],
      ['bob.zip', 100, 0],
      ['carol.zip', 70, 0],
      ['dave.zip', 0, 1],
    ] as const)
      form.append('file', new Blob([new Uint8Array(await buildZip([{ name: 'grade.sh', content: gradeScript(score, exit) }]))]), name);
    const created = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    runId = ((await created.json()) as { runId: string }).runId;
    gradingRunId = await createGradingRun();
    // A job for a PC that registered and never asks for work (it waits, and says why), and one cancelled while it waited.
    await c.register('lab-pc-09', { tags: ['room-z'] });
    const waiting = { command: 'echo later', fileUrl: 'http://127.0.0.1:9/p.zip', filename: 'waits.zip', target: { tags: ['room-z'] } };
    const made = await c.api('POST', '/api/jobs/create', { body: waiting });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    pendingJob = made.body.jobId;
    cancelledJob = (await c.api('POST', '/api/jobs/create', { body: { ...waiting, filename: 'cancelled.zip' } })).body.jobId;
    await c.api('POST', '/api/jobs/cancel', { body: { jobId: cancelledJob } });
    assert.equal((await waitForJob(t, passedJob)).exitCode, 0);
    assert.equal((await waitForJob(t, failedJob)).exitCode, 3);
    await waitFor(
      'the run to end',
      async () => ((await c.api('GET', `/api/runs/status?runId=${runId}`)).body.summary.failed === 1 ? true : undefined),
      60_000,
      100,
    );
    await waitFor(
      'the grading run to end',
      async () => (await c.api('GET', `/api/runs/status?runId=${gradingRunId}`)).body.completedAt || undefined,
      60_000,
      100,
    );
    browser = await launchChromium();
  });

  /** The class of docs/grading.md: four students, hidden tests, points, a students CSV and starter code. */
  async function createGradingRun(): Promise<string> {
    const form = new FormData();
    form.set('mode', 'map');
    form.set('name', 'Lab 4 - sorting');
    form.set('commands', CLASS.GRADING_COMMANDS);
    form.set('timeoutSeconds', String(CLASS.TIME_LIMIT_SECONDS));
    form.set('grading', JSON.stringify({ points: CLASS.POINTS, defaultPoints: CLASS.DEFAULT_POINTS, report: ['junit.xml'] }));
    form.set('students', CLASS.STUDENTS_CSV);
    for (const s of CLASS.STUDENTS) form.append('file', new Blob([new Uint8Array(await buildZip(s.items))]), s.zip);
    form.append('tests', new Blob([new Uint8Array(await buildZip(CLASS.HIDDEN_TESTS))]), 'hidden-tests.zip');
    form.append('base', new Blob([new Uint8Array(await buildZip(CLASS.STARTER))]), 'starter.zip');
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    const body = (await res.json()) as { runId: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.runId;
  }

  after(async () => {
    const lines = Object.entries(report).map(
      ([page, findings]) => `${page}: ${findings.length ? findings.map((f) => `${f.rule} (${f.impact}, ${f.targets.length})`).join(', ') : 'none'}`,
    );
    console.log(`axe findings per page (any impact):\n${lines.join('\n')}`);
    if (process.env.CMDX_AXE_REPORT) writeFileSync(process.env.CMDX_AXE_REPORT, JSON.stringify(report, null, 2));
    await browser?.close();
    for (const w of workers) await w.kill('SIGKILL');
    await c?.close();
  });

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.width}×${viewport.height}`, () => {
      let page: Page;
      /** What this test's audits found that fails it: said once the test has audited every state it shows. */
      let failing: string[] = [];

      /** Audits what the page shows now; a serious or critical violation fails the test at its end. */
      const check = async (name: string) => {
        const findings = await audit(page);
        report[`${viewport.name} ${name}`] = findings;
        const bad = blocking(findings);
        if (bad.length) failing.push(`${name} at ${viewport.width}×${viewport.height}:\n${describeFindings(bad)}`);
      };

      beforeEach(() => {
        failing = [];
      });
      afterEach(() => {
        assert.equal(failing.length, 0, failing.join('\n'));
      });

      before(async () => {
        const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
        page = await context.newPage();
      });

      it('the sign-in: a name and password, and the admin token', async () => {
        await page.goto(c.url);
        await page.getByLabel('Name', { exact: true }).waitFor();
        await check('sign-in');
        await useAdminToken(page);
        await check('sign-in with the admin token');
      });

      it('the home page: workers and jobs', async () => {
        await logIn(page, c.url, c.tokens.adminToken);
        await waitForText(page.locator('[data-worker="lab-pc-02"]'), /Idle/);
        await waitForText(page.getByTestId('jobs'), /alice\.zip/);
        // The list draws only the rows in its scroll box; on a phone each is a tall card, so the oldest is further down.
        await page.locator('.list-scroll:has([data-testid="jobs"])').evaluate((box) => box.scrollTo(0, box.scrollHeight));
        await waitForText(page.getByTestId('jobs'), /cancelled\.zip/);
        await check('home (jobs)');
      });

      it('the home page: runs', async () => {
        await page.goto(`${c.url}/#/runs`);
        await waitForText(page.getByTestId('runs'), /3\/4 passed/);
        await check('home (runs)');
      });

      it('a passed job', async () => {
        await page.goto(`${c.url}/#/jobs/${passedJob}`);
        await waitForText(page.locator('.job-head'), /Passed/);
        await waitForScreen(page, (lines) => lines.includes('done'));
        await check('job (passed)');
        await page.getByTestId('log-order-toggle').click();
        await page.getByTestId('log-order').waitFor({ state: 'visible' });
        await check('job (passed), about the order');
      });

      it('a failed job', async () => {
        await page.goto(`${c.url}/#/jobs/${failedJob}`);
        await waitForText(page.locator('.job-head'), /Failed \(exit 3\)/);
        await waitForScreen(page, (lines) => lines.includes('something broke'));
        await check('job (failed)');
      });

      it('a waiting job, and a cancelled one with its history', async () => {
        await page.goto(`${c.url}/#/jobs/${pendingJob}`);
        await waitForText(page.getByTestId('pending-hint'), /\w/);
        await check('job (waiting)');
        await page.goto(`${c.url}/#/jobs/${cancelledJob}`);
        await waitForText(page.getByTestId('history'), /Cancelled by owner \(admin token\)/);
        await check('job (cancelled, its history)');
      });

      it('a job and a run that do not exist', async () => {
        await page.goto(`${c.url}/#/jobs/job-nope`);
        await waitForText(page.locator('main h1'), /^Job not found$/);
        await check('job (not found)');
        await page.goto(`${c.url}/#/runs/run-nope`);
        await waitForText(page.locator('main h1'), /^Run not found$/);
        await check('run (not found)');
      });

      it('a run: failed tiles, scores, the outputs and a diff', async () => {
        await page.goto(`${c.url}/#/runs/${runId}`);
        await waitForText(page.getByTestId('run-summary'), /^3\/4 passed · 1 failed$/);
        await waitForText(page.getByTestId('group-output'), /Score: 100/);
        await page.locator('.group-list li', { hasText: 'carol.zip' }).getByRole('button', { name: 'Compare' }).click();
        await waitForText(page.getByTestId('output-diff'), /only in carol\.zip/);
        await check('run');
      });

      it("a run's dialogs: naming it, re-running its failed job", async () => {
        await page.goto(`${c.url}/#/runs/${runId}`);
        await waitForText(page.getByTestId('run-summary'), /^3\/4 passed · 1 failed$/);
        await page.getByTestId('run-rename').click();
        await waitForText(page.getByRole('dialog').getByRole('heading'), /^Name the run$/);
        await check('name a run dialog');
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Re-run failed' }).click();
        await waitForText(page.getByRole('dialog').getByRole('heading'), /^Re-run the 1 failed job\?$/);
        await check('re-run failed dialog');
        await page.keyboard.press('Escape');
      });

      it('Add a worker, with PCs asking to join', async () => {
        for (const n of [1, 2]) {
          const asked = await c.api('POST', '/api/workers/join-requests', {
            token: null,
            body: { workerId: `${viewport.name}-pc-${n}`, hostname: `${viewport.name}-pc-${n}`, os: 'linux', key: randomBytes(32).toString('hex') },
          });
          assert.equal(asked.status, 202, JSON.stringify(asked.body));
        }
        await page.goto(`${c.url}/#/`);
        await waitForText(page.getByTestId('join-requests').locator('h2'), /^2 PCs ask to join$/);
        await check('home with PCs asking to join');
        await page.getByRole('button', { name: 'Add a worker' }).click();
        await waitForText(page.getByRole('dialog'), /Headless worker/);
        await check('Add a worker dialog');
        await page.keyboard.press('Escape');
        for (const n of [1, 2]) await page.getByRole('button', { name: `Refuse ${viewport.name}-pc-${n}` }).click();
        await page.getByTestId('join-requests').waitFor({ state: 'detached' });
      });

      it('the lab policy', async () => {
        await page.getByRole('button', { name: 'Lab policy' }).click();
        await waitForText(page.getByTestId('policy-lab'), /^The lab: /);
        await check('lab policy dialog');
        await page.keyboard.press('Escape');
      });

      it('Manage a worker', async () => {
        await page.getByRole('button', { name: 'Manage lab-pc-01' }).click();
        await waitForText(page.getByRole('dialog'), /Rename/);
        await check('manage worker dialog');
        await page.keyboard.press('Escape');
      });

      it('the new-job form, and the confirmation of a run on every PC', async () => {
        await page.goto(`${c.url}/#/new`);
        await page.getByLabel(/^Commands/).fill('echo on every PC');
        await check('new-job form');
        await page.getByRole('radio', { name: /^Every PC/ }).check();
        await page.getByRole('button', { name: 'Run on 3 PCs' }).click();
        await waitForText(page.getByRole('dialog').getByRole('heading'), /^Run on 3 PCs\?$/);
        await check('confirm run dialog');
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      });

      it('a grading run: the gradebook, sorted, a student filtered out', async () => {
        await page.goto(`${c.url}/#/runs/${gradingRunId}`);
        await waitForText(page.getByTestId('gradebook'), /Timed out/);
        await check('gradebook');
        // A phone's cards hide the table's header: a select sorts there.
        if (viewport.name === 'phone') await page.getByLabel('Sort by').selectOption('points');
        else await page.getByRole('columnheader', { name: 'Points' }).getByRole('button').click();
        await page.getByTestId('verdict-filter').selectOption('failed');
        await waitForText(page.getByTestId('gradebook-count'), /^2 of 4 shown$/);
        await check('gradebook (sorted, filtered)');
        await page.getByTestId('verdict-filter').selectOption('all');
      });

      it("the gradebook's dialogs: a comment, re-run with new hidden tests, re-run the failing", async () => {
        await page.goto(`${c.url}/#/runs/${gradingRunId}`);
        await page.getByRole('button', { name: 'Add comment for Bob Chen' }).click();
        await waitForText(page.getByRole('dialog').getByRole('heading'), /^Comment for Bob Chen$/);
        await check('comment dialog');
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Re-run all with new hidden tests…' }).click();
        await waitForText(page.getByRole('dialog').getByRole('heading'), /^Re-run all with new hidden tests$/);
        await check('re-run with new hidden tests dialog');
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Re-run failed' }).click();
        await waitForText(page.getByRole('dialog').getByRole('heading'), /^Re-run the 3 failed jobs\?$/);
        await check('re-run the failing dialog');
        await page.keyboard.press('Escape');
      });

      it('the similarity check: the pairs, and one side by side', async () => {
        await page.goto(`${c.url}/#/runs/${gradingRunId}`);
        await page.getByRole('button', { name: 'Check similarity' }).click();
        await page.getByTestId('similarity-pairs').locator('button').first().click();
        await waitForText(page.getByTestId('pair-view').locator('.code-lines').last(), /last=\$x/);
        await check('similarity');
      });

      it("the new-job form's Grading section, filled in", async () => {
        await page.goto(`${c.url}/#/new`);
        const zips = await Promise.all(CLASS.STUDENTS.map(async (s) => ({ name: s.zip, mimeType: 'application/zip', buffer: await buildZip(s.items) })));
        await page.getByTestId('zip-input').setInputFiles(zips);
        await page.getByTestId('grading-section').locator('summary').click();
        await page.getByRole('button', { name: "Add a test's points" }).click();
        await page.getByLabel(/^Students/).setInputFiles({ name: 'class.csv', mimeType: 'text/csv', buffer: Buffer.from(CLASS.STUDENTS_CSV) });
        await waitForText(page.getByTestId('students-count'), /^4 students/);
        await check('new-job form, grading section');
      });

      it('People: the list, Add a person with its first password shown once, a person with a new password', async () => {
        const name = `${viewport.name}-teacher`;
        await page.goto(`${c.url}/#/people`);
        await waitForText(page.locator('main h1'), /^People$/);
        await page.getByRole('button', { name: 'Add a person' }).click();
        const adding = page.getByTestId('create-person');
        await adding.getByLabel('Sign-in name').fill(name);
        await adding.getByLabel('Rooms (worker tags)').fill('room-b');
        await check('add a person dialog');
        await adding.getByRole('button', { name: 'Add', exact: true }).click();
        passwords[viewport.name] = await adding.getByTestId('secret-value').inputValue();
        await check('add a person, the first password');
        await adding.getByRole('button', { name: 'Done' }).click();
        await waitForText(page.getByTestId('people'), new RegExp(name));
        await check('people');
        await page.getByRole('button', { name: `Manage ${name}` }).click();
        const dialog = page.getByTestId('person-dialog');
        await dialog.getByRole('button', { name: 'Reset password…' }).click();
        await dialog.getByRole('button', { name: 'Make a new password' }).click();
        passwords[viewport.name] = await dialog.getByTestId('secret-value').inputValue();
        await check('a person, a new password');
        await page.keyboard.press('Escape');
      });

      it('Activity: the audit log with a refused row, then filtered by who', async () => {
        const teacher = await signIn(c, `${viewport.name}-teacher`, passwords[viewport.name]!);
        assert.equal((await teacher.api('POST', '/api/workers/rename', { body: { workerId: 'lab-pc-01', name: 'x' } })).status, 403);
        await page.goto(`${c.url}/#/activity`);
        await waitForText(page.getByTestId('audit'), /Refused: their role may not/);
        await check('activity');
        await page.getByLabel('Who').fill(`${viewport.name}-teacher`);
        await page.getByRole('button', { name: 'Show', exact: true }).click();
        await waitForText(page.getByTestId('audit').locator('tbody tr').first(), /workers\.rename/);
        await check('activity (filtered)');
      });

      it("a teacher's own pages: Your account with a token made, a page for the admin only", async () => {
        const other = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
        const own = await other.newPage();
        try {
          await signInAs(own, `${c.url}/#/account`, `${viewport.name}-teacher`, passwords[viewport.name]!);
          await waitForText(own.locator('main h1'), /^Your account$/);
          await own.getByLabel('Name', { exact: true }).fill('laptop');
          await own.getByRole('button', { name: 'Make a token' }).click();
          await waitForText(own.getByTestId('token-list'), /laptop/);
          const findings = await audit(own);
          report[`${viewport.name} your account`] = findings;
          if (blocking(findings).length) failing.push(`your account:\n${describeFindings(blocking(findings))}`);
          await own.goto(`${c.url}/#/activity`);
          await own.getByTestId('not-for-role').waitFor();
          const refused = await audit(own);
          report[`${viewport.name} not for the role`] = refused;
          if (blocking(refused).length) failing.push(`not for the role:\n${describeFindings(blocking(refused))}`);
        } finally {
          await other.close();
        }
      });

      it('Run again: the form filled in from a job, on its own page', async () => {
        await page.goto(`${c.url}/#/new?from=${passedJob}`);
        await waitForText(page.getByTestId('from-job'), /Filled in from job/);
        await check('run again form');
      });
    });
  }
});
