/**
 * Workers that never get in a student's way, on the dashboard, in real Chromium against a real
 * coordinator and a real worker whose idle time comes from a file: the Lab policy dialog sets an
 * `idle` policy (and refuses a schedule it cannot read), the worker's row says it waits and why, a
 * pending job's hint counts it, and a job's result files are listed and downloaded on its page.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, logIn, SCREENSHOTS_DIR, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { startCli, type CliProcess } from '../helpers/processes.ts';
import { buildZip, uploadForm } from '../helpers/zip.ts';

const SHOTS = SCREENSHOTS_DIR;

describe('the lab policy on the dashboard', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let page: Page;
  let worker: CliProcess;
  const idleFile = join(tempDir('cmdx-idle-'), 'idle-seconds');
  const row = () => page.locator('[data-worker="pc-0001"]');
  let jobId = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(idleFile, '100000\n');
    c = await startTestCoordinator();
    worker = startCli(
      [
        'worker',
        '--server',
        c.url,
        '--id',
        'pc-0001',
        '--name',
        'lab-pc-01',
        '--tags',
        'room-b',
        '--work-dir',
        tempDir('cmdx-worker-'),
        '--idle-file',
        idleFile,
        '--heartbeat-interval',
        '0.5',
      ],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true })).newPage();
    await logIn(page, c.url, c.tokens.adminToken);
    await waitForText(row(), /Idle/, 20_000);
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('sets an idle policy for the lab in the dialog; refuses a schedule it cannot read; adds and clears an override', async () => {
    await page.getByRole('button', { name: 'Lab policy' }).click();
    const dialog = page.getByTestId('lab-policy');
    await waitForText(dialog.getByTestId('policy-lab'), /^The lab: jobs at any time; low priority$/);

    // A schedule is read as it is typed; one it cannot read is said so and cannot be saved.
    await dialog.getByLabel('Run jobs').selectOption('schedule');
    await dialog.getByLabel(/^Hours/).fill('Mon-Fry 18:00-07:30');
    await waitForText(dialog.getByTestId('policy-windows-note'), /days are Mon, Tue/);
    assert.equal(await dialog.getByRole('button', { name: 'Save' }).isDisabled(), true);
    await dialog.getByLabel(/^Hours/).fill('Mon-Fri 18:00-07:30');
    await waitForText(dialog.getByTestId('policy-windows-note'), /^Reads as: jobs Mon-Fri 18:00-07:30/);

    // An override for the tag, listed, then cleared.
    await dialog.getByLabel('For').selectOption('tag');
    await dialog.getByLabel('Tag').fill('room-b');
    await dialog.getByLabel('Run jobs').selectOption('schedule');
    await dialog.getByLabel(/^Hours/).fill('Sat-Sun all day');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(dialog.getByTestId('policy-outcome'), /^Saved for the PCs tagged room-b/);
    const override = dialog.locator('[data-scope="tag:room-b"]');
    await waitForText(override, /PCs tagged room-b: jobs Sat-Sun all day/);
    await override.getByRole('button', { name: 'Clear' }).click();
    await waitForText(dialog.getByTestId('policy-outcome'), /^Cleared the policy of PCs tagged room-b/);
    await override.waitFor({ state: 'detached' }); // the list is read again after the sentence shows

    await dialog.getByLabel('For').selectOption('lab');
    await dialog.getByLabel('Run jobs').selectOption('idle');
    await dialog.getByLabel('Minutes without keyboard or mouse').fill('10');
    await dialog.getByLabel('When the student returns').selectOption('suspend');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(dialog.getByTestId('policy-outcome'), /^Saved for the whole lab: jobs after 10 min idle; when the user returns: suspend; low priority/);
    await waitForText(dialog.getByTestId('policy-lab'), /^The lab: jobs after 10 min idle/);
    const res = await c.api('GET', '/api/workers/policy');
    assert.equal(res.body.lab.when, 'idle');
    assert.equal(res.body.lab.idleMinutes, 10);
    assert.deepEqual(res.body.tags, {});
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it("keeps the admin's choices when the tag is typed after them, and says what that tag follows now", async () => {
    await page.getByRole('button', { name: 'Lab policy' }).click();
    const dialog = page.getByTestId('lab-policy');
    await waitForText(dialog.getByTestId('policy-lab'), /^The lab: jobs after 10 min idle/);
    await dialog.getByLabel('For').selectOption('tag');
    await dialog.getByLabel('Run jobs').selectOption('always');
    await dialog.getByLabel('Tag').fill('room-b');
    assert.equal(await dialog.getByLabel('Run jobs').inputValue(), 'always', 'typing the tag did not load a saved policy over the choice');
    await waitForText(dialog.getByTestId('policy-saved'), /^Saved now for the PCs tagged room-b: none of its own \(the lab's applies\)$/);
    await waitForText(dialog.getByTestId('policy-summary'), /jobs at any time/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('a PC in use shows as Waiting, says since when, and the pending hint counts it; writes the screenshot', async () => {
    writeFileSync(idleFile, '5\n');
    await waitForText(row(), /Waiting/, 20_000);
    assert.equal(await row().getAttribute('data-status'), 'waiting');
    await waitForText(row().getByTestId('worker-note'), /^PC in use since \d\d:\d\d/);
    assert.match((await row().locator('td[data-label="Status"]').getAttribute('title'))!, /^Policy: jobs after 10 min idle/);
    await waitForText(page.getByTestId('header-workers'), /1 waiting/);

    const zip = await buildZip([{ name: 'readme.txt', content: 'results' }]);
    const res = await fetch(`${c.url}/api/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.tokens.adminToken}` },
      body: uploadForm(zip, { commands: 'mkdir -p out && printf hi > out/a.txt', mode: 'distributed', artifacts: JSON.stringify(['out/*']) }, 'results.zip'),
    });
    const body = (await res.json()) as { jobId: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    jobId = body.jobId;
    await page.waitForTimeout(1500); // long enough for a free PC to take it
    await page.screenshot({ path: join(SHOTS, 'lab-policy.png') });

    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForText(page.getByTestId('pending-hint'), /1 PC is in use by students/);
    await waitForText(page.getByTestId('artifacts-empty'), /^The worker sends them when the commands end\.$/);
  });

  it("lists the job's result files once the PC is free again, and downloads one of them", async () => {
    writeFileSync(idleFile, '100000\n');
    await waitForText(page.locator('.job-head'), /Passed/, 30_000);
    const item = page.locator('[data-testid="artifact-list"] li[data-path="out/a.txt"]');
    await waitForText(item, /out\/a\.txt\s*2 bytes/, 20_000);
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'out/a.txt' }).click()]);
    assert.equal(readFileSync(await download.path(), 'utf8'), 'hi');
    const [zipped] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (zip)' }).click()]);
    assert.equal(
      readFileSync(await zipped.path())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
  });

  it('a job frozen while the student is at the PC is On hold on the worker row, its run tile and its page, and its time stops there; writes the screenshot', async () => {
    writeFileSync(idleFile, '100000\n');
    await page.goto(`${c.url}/#/`);
    await waitForText(row(), /Idle/, 20_000);
    const ticking = 'i=0; while [ $i -lt 150 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done';
    const created = await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: ticking, target: { workers: ['pc-0001'] } } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { runId, jobIds } = created.body as { runId: string; jobIds: string[] };
    const held = jobIds[0]!;
    await page.goto(`${c.url}/#/runs/${runId}`);
    const tile = page.locator(`[data-job="${held}"]`);
    await waitForText(tile, /Running/, 20_000);

    writeFileSync(idleFile, '5\n'); // the student is back
    await waitForText(tile, /On hold\s*student at the PC since \d\d:\d\d/, 20_000);
    assert.equal(await tile.getAttribute('data-status'), 'onhold');
    const facts = page.locator(`[data-job="${held}"] .tile-facts`);
    const frozenAt = await facts.textContent();
    await page.waitForTimeout(2100); // two ticks of the dashboard's clock: a running time would move
    assert.equal(await facts.textContent(), frozenAt, "the tile's time stops while on hold");
    await page.screenshot({ path: join(SHOTS, 'on-hold.png') });

    await page.goto(`${c.url}/#/`);
    await waitForText(row(), /On hold \(student at the PC since \d\d:\d\d\)/, 20_000);
    assert.equal(await row().getAttribute('data-status'), 'onhold');
    await waitForText(page.getByTestId('header-workers'), /1 on hold/);

    await page.goto(`${c.url}/#/jobs/${held}`);
    await waitForText(page.locator('.job-head'), /On hold \(student at the PC since \d\d:\d\d\)/, 20_000);
    const took = await page.getByTestId('job-duration').textContent();
    await page.waitForTimeout(2100);
    assert.equal(await page.getByTestId('job-duration').textContent(), took, "the job page's time stops while on hold");

    writeFileSync(idleFile, '100000\n'); // the student left
    await waitForText(page.locator('.job-head'), /Running|Passed/, 20_000);
    await c.api('POST', '/api/jobs/cancel', { body: { jobId: held } });
    await waitForText(page.locator('.job-head'), /Cancelled|Passed/, 20_000);
  });
});
