/**
 * Unattended nights on the dashboard, in real Chromium against a real coordinator and a real worker: a
 * job saved as a template from its page, a text parameter added ({{who}} in its commands), run from the
 * Run dialog (a required value missing first: the coordinator's sentence) until the job's output prints
 * the value; Duplicate; a map run saved with its zips; a schedule ("0 22 * * 1-5" in words with five dated times while typing, a bad
 * expression's sentence), paused, in the list; Delete refused while it is scheduled; Wake on an offline
 * PC (a test coordinator sends no packets: the answer says it could not be reached); Restart asked first
 * (when, force, who is in use). axe on the page and every dialog at 1366×768 and 390 px. Writes the
 * saved-commands and schedule screenshots.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { audit, blocking, describeFindings } from '../helpers/axe.ts';
import { launchChromium, logIn, SCREENSHOTS_DIR, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { waitForScreen } from '../helpers/log-screen.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip } from '../helpers/zip.ts';

const SHOTS = SCREENSHOTS_DIR;
const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
};
/** The coordinator's time zone: the browser shows the schedule's times in the same one. */
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

describe('unattended nights on the dashboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let page: Page;
  let worker: CliProcess;
  let jobId = '';
  /** Serious or critical axe findings, by page or dialog and viewport: the last test fails on any. */
  const failing: string[] = [];

  const check = async (p: Page, name: string) => {
    const bad = blocking(await audit(p));
    if (bad.length) failing.push(`${name}:\n${describeFindings(bad)}`);
  };
  /** The saved command's row, by its exact name ("Greet someone" is not "Greet someone (copy)"). */
  const templateRow = (p: Page, name: string) =>
    p.locator('[data-testid="templates"] tbody tr', { has: p.locator('.template-name', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) }) });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    c = await startTestCoordinator({ offlineAfterSeconds: 3 });
    worker = startCli(
      // A restart asked of it runs `true`, never this machine's own.
      [
        'worker',
        '--server',
        c.url,
        '--id',
        'lab-pc-01',
        '--name',
        'lab-pc-01',
        '--work-dir',
        tempDir('cmdx-worker-'),
        '--heartbeat-interval',
        '0.5',
        '--power-command',
        'true',
      ],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
    );
    // A PC that reported a network card on a network neither the coordinator nor an online PC is on, then went quiet.
    await c.register('lab-pc-09', { hostname: 'lab-pc-09', interfaces: [{ mac: '52:54:00:12:34:56', address: '10.99.0.9', broadcast: '10.99.0.255' }] });
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    await waitFor(
      'lab-pc-01 idle',
      async () => (await c.api('GET', '/api/workers/register')).body.workers.some((w: any) => w.workerId === 'lab-pc-01' && w.status === 'idle') || undefined,
    );
    jobId = await submitZip(t, [{ name: 'notes.txt', content: 'hello' }], 'echo hello from the job', { artifacts: JSON.stringify(['notes.txt']) });
    assert.equal((await waitForJob(t, jobId)).exitCode, 0);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: VIEWPORTS.laptop, timezoneId: ZONE });
    page = await context.newPage();
    await logIn(page, c.url, c.tokens.adminToken);
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('saves a job as a template from its page, adds a {{who}} text parameter, and runs it from the Run dialog: the job prints the value', async () => {
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForText(page.locator('.job-head'), /Passed/);
    await page.getByRole('button', { name: 'Save as template' }).click();
    await page.waitForURL(/#\/templates\?edit=/);
    const editor = page.getByTestId('template-editor');
    await waitForText(editor.getByRole('heading', { level: 2 }), /^Edit echo hello from the job$/);
    assert.equal(await editor.getByLabel('Commands').inputValue(), 'echo hello from the job');
    assert.equal(await editor.getByLabel('Result files').inputValue(), 'notes.txt');
    assert.match((await editor.getByTestId('template-zips').textContent()) ?? '', /It keeps project\.zip\./);

    await editor.getByLabel('Name', { exact: true }).first().fill('Greet someone');
    await editor.getByLabel('Commands').fill('echo "Hello {{who}}"');
    await waitForText(editor.getByTestId('missing-params'), /\{\{who\}\} is not a parameter yet/);
    await editor.getByRole('button', { name: 'Add a parameter' }).click();
    const param = editor.getByRole('group', { name: /^Parameter 1/ });
    await param.getByLabel('Name').fill('who');
    await param.getByLabel('Required').check();
    assert.equal(await editor.getByTestId('missing-params').count(), 0, 'the placeholder is a parameter now');
    await check(page, 'template editor at 1366×768');
    await editor.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('templates-notice'), /^Saved "Greet someone"\.$/);
    await page.waitForURL(/#\/templates$/);
    const row = templateRow(page, 'Greet someone');
    await waitForText(row, /who \(text, required\)/);
    assert.match((await row.textContent()) ?? '', /One job.*any PC/);
    const saved = (await c.api('GET', '/api/templates/create')).body.templates[0];
    assert.deepEqual(saved.params, [{ name: 'who', type: 'text', required: true }]);
    assert.deepEqual(saved.artifacts, ['notes.txt']);

    await page.getByRole('button', { name: 'Run Greet someone' }).click();
    const dialog = page.getByTestId('run-template');
    await waitForText(dialog.getByRole('heading'), /^Run Greet someone$/);
    assert.match((await dialog.locator('label', { hasText: 'who' }).textContent()) ?? '', /who \(required\)/);
    await check(page, 'run dialog at 1366×768');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForText(dialog.getByRole('alert'), /^The parameter who is required: give it a value\.$/);
    await dialog.getByLabel('who').fill('Ada Lovelace');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/jobs\/job-/);
    await waitForScreen(page, (lines) => lines.includes('Hello Ada Lovelace'), 30_000);
    const ran = (await c.api('GET', `/api/jobs/status?jobId=${new URL(page.url()).hash.slice('#/jobs/'.length)}`)).body;
    assert.equal(ran.templateId, saved.templateId);
    assert.deepEqual(ran.params, { who: 'Ada Lovelace' });
  });

  it('duplicates a saved command as "… (copy)"; a link to edit one that is gone says so', async () => {
    await page.goto(`${c.url}/#/templates`);
    await page.getByRole('button', { name: 'Duplicate Greet someone' }).click();
    await waitForText(page.getByTestId('templates-notice'), /^Saved a copy: "Greet someone \(copy\)"\.$/);
    await templateRow(page, 'Greet someone (copy)').waitFor();
    await page.goto(`${c.url}/#/templates?edit=tpl-nope`);
    await waitForText(page.getByTestId('template-not-found'), /^There is no saved command tpl-nope to edit: it may have been deleted\.$/);
  });

  it('saves a run as a template from its page: one job per zip, every zip kept, its commands and shell', async () => {
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'cat name.txt');
    form.set('shell', 'sh');
    for (const name of ['alice.zip', 'bob.zip']) form.append('file', new Blob([new Uint8Array(await buildZip([{ name: 'name.txt', content: name }]))]), name);
    const created = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    const { runId } = (await created.json()) as { runId: string };
    await page.goto(`${c.url}/#/runs/${runId}`);
    await waitForText(page.getByTestId('run-summary'), /^2\/2 passed$/, 30_000);
    await page.getByRole('button', { name: 'Save as template' }).click();
    await page.waitForURL(/#\/templates\?edit=/);
    const editor = page.getByTestId('template-editor');
    await waitForText(editor.getByTestId('template-zips'), /^It keeps 2 zips: (alice\.zip, bob\.zip|bob\.zip, alice\.zip)\.$/);
    assert.equal(await editor.getByLabel('Commands').inputValue(), 'cat name.txt');
    assert.equal(await editor.getByRole('radio', { name: /^One job per zip/ }).isChecked(), true);
    assert.equal(await editor.getByLabel('Shell').inputValue(), 'sh');
    await editor.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(/#\/templates$/);
    const kept = (await c.api('GET', '/api/templates/create')).body.templates.find((t: any) => t.mode === 'map');
    assert.equal(kept.zips.length, 2);
    // Not needed by the tests after this one.
    assert.equal((await c.api('POST', '/api/templates/delete', { body: { templateId: kept.templateId } })).status, 200);
  });

  it('schedules it: the words and five dated times while typing, a bad expression in a sentence; saved, paused, listed; Delete refused while scheduled', async () => {
    await page.goto(`${c.url}/#/templates`);
    await page.getByRole('button', { name: 'Schedule Greet someone', exact: true }).click();
    const dialog = page.getByTestId('schedule-dialog');
    await waitForText(dialog.getByRole('heading', { level: 2 }), /^Schedule Greet someone$/);
    const cron = dialog.getByLabel('When (cron)');
    await cron.fill('0 22 * * 1-5');
    await waitForText(dialog.getByTestId('cron-words'), /^every weekday at 22:00$/);
    await waitFor('five next times', async () => ((await dialog.getByTestId('cron-next').locator('li').count()) === 5 ? true : undefined));
    for (const text of await dialog.getByTestId('cron-next').locator('li').allTextContents())
      assert.match(text, /^(today|tomorrow|\S.*) (22:00|10:00 PM) \(in .+\)$/, 'a time dated as the rest of the dashboard');
    assert.match((await dialog.getByTestId('cron-preview').textContent()) ?? '', new RegExp(`\\(${ZONE}\\)`));

    await cron.fill('0 25 * * 1-5');
    await waitForText(dialog.getByTestId('cron-error'), /^The cron expression "0 25 \* \* 1-5" is not valid: .+\.$/);
    await cron.fill('0 22 * *');
    await waitForText(
      dialog.getByTestId('cron-error'),
      /^A cron expression has 5 fields \(minute hour day month weekday\), or 6 with seconds first; "0 22 \* \*" has 4\.$/,
    );
    await cron.fill('0 22 * * 1-5');
    await waitForText(dialog.getByTestId('cron-words'), /^every weekday at 22:00$/);
    await dialog.getByLabel('who').fill('night shift');
    await dialog.getByLabel('Wake its PCs').fill('10');
    await dialog.getByLabel('After the run, its PCs').selectOption('shutdown');
    await check(page, 'schedule dialog at 1366×768');
    // The whole form in the picture: a viewport tall enough for the dialog not to scroll.
    await page.setViewportSize({ width: VIEWPORTS.laptop.width, height: 1250 });
    await dialog.getByRole('heading', { level: 2 }).click();
    await dialog.screenshot({ path: join(SHOTS, 'schedule.png') });
    await page.setViewportSize(VIEWPORTS.laptop);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('templates-notice'), /^"Greet someone" runs every weekday at 22:00/);

    const row = page.locator('[data-testid="schedules"] tbody tr', { hasText: 'Greet someone' });
    await waitForText(row.getByTestId('schedule-words'), /^every weekday at 22:00$/);
    assert.match((await row.getByTestId('schedule-next').textContent()) ?? '', / (22:00|10:00 PM) \(in /);
    assert.equal(await row.getByTestId('schedule-last').textContent(), 'not yet');
    assert.equal(await templateRow(page, 'Greet someone').getByTestId('template-schedules').textContent(), '1');
    const [schedule] = (await c.api('GET', '/api/schedules/create')).body.schedules;
    assert.deepEqual(
      { params: schedule.params, wake: schedule.wakeMinutesBefore, after: schedule.after },
      { params: { who: 'night shift' }, wake: 10, after: { power: 'shutdown', onlyIfWoken: true } },
    );

    await page.screenshot({ path: join(SHOTS, 'saved-commands.png'), fullPage: true });

    await row.getByRole('button', { name: 'Pause Greet someone, every weekday at 22:00' }).click();
    await row.getByTestId('schedule-paused').waitFor();
    await waitForText(page.getByTestId('templates-notice'), /^Paused: it runs nothing until resumed/);
    assert.equal((await c.api('GET', '/api/schedules/create')).body.schedules[0].paused, true);
    await row.getByRole('button', { name: 'Resume Greet someone, every weekday at 22:00' }).waitFor();
    await check(page, 'saved commands page at 1366×768');

    await page.getByRole('button', { name: 'Delete Greet someone', exact: true }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await waitForText(confirm.getByRole('heading'), /^Delete "Greet someone"\?$/);
    await check(page, 'delete confirmation at 1366×768');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await waitForText(confirm.getByRole('alert'), /^1 schedule runs this saved command; delete or change it first\.$/);
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    assert.equal((await c.api('GET', '/api/templates/create')).body.templates.length, 2);
  });

  it('wakes an offline PC from its row: the answer says it could not be reached', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.locator('[data-worker="lab-pc-09"]'), /Offline/, 20_000);
    await page.getByRole('button', { name: 'Wake lab-pc-09' }).click();
    await waitForText(
      page.getByTestId('workers-outcome'),
      /^lab-pc-09 could not be reached: neither the coordinator nor an online PC is on its network, so no magic packet went out\.$/,
    );
  });

  it('wakes a selection and asks before a restart: when, force, who is in use; the answer says when', async () => {
    await page.goto(`${c.url}/#/`);
    await page.getByRole('button', { name: 'Power…' }).click();
    const dialog = page.getByTestId('power-dialog');
    await waitForText(dialog.getByRole('group'), /PCs \(1 chosen\)/);
    await check(page, 'power dialog at 1366×768');
    await dialog.getByRole('button', { name: 'Wake 1 offline' }).click();
    await waitForText(dialog.getByTestId('power-outcome'), /^lab-pc-09 could not be reached/);
    await dialog.getByRole('button', { name: 'All' }).click();
    await dialog.getByRole('button', { name: 'Restart 1 online…' }).click();
    const confirm = dialog.getByTestId('power-confirm');
    await waitForText(confirm.getByRole('heading'), /^Restart lab-pc-01\?$/);
    await waitForText(confirm.getByTestId('power-in-use'), /^Nobody was using it at its last heartbeat\. lab-pc-09 is offline: nothing to tell\.$/);
    await check(page, 'restart confirmation at 1366×768');
    await confirm.getByRole('button', { name: 'Restart', exact: true }).click();
    await waitForText(dialog.getByTestId('power-outcome'), /^lab-pc-01 will restart in 5 min; lab-pc-09 is offline: nothing to tell\.$/);
    await waitFor('the restart asked of lab-pc-01', async () => {
      const w = (await c.api('GET', '/api/workers/register')).body.workers.find((x: any) => x.workerId === 'lab-pc-01');
      return w.power?.action === 'reboot' || undefined;
    });
  });

  it('passes axe at 390 px: the page, the editor, the Run, schedule and delete dialogs, Power and Manage with its restart question', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.phone, timezoneId: ZONE });
    const phone = await context.newPage();
    await logIn(phone, `${c.url}/#/templates`, c.tokens.adminToken);
    await templateRow(phone, 'Greet someone (copy)').waitFor();
    await check(phone, 'saved commands page at 390 px');
    await phone.getByRole('button', { name: 'Edit Greet someone', exact: true }).click();
    await phone.getByTestId('template-editor').waitFor();
    await check(phone, 'template editor at 390 px');
    await phone.keyboard.press('Escape');
    await phone.waitForURL(/#\/templates$/);
    await phone.getByRole('button', { name: 'Run Greet someone', exact: true }).click();
    await phone.getByTestId('run-template').waitFor();
    await check(phone, 'run dialog at 390 px');
    await phone.keyboard.press('Escape');
    await phone.getByRole('button', { name: /^Change Greet someone/ }).click();
    await waitForText(phone.getByTestId('cron-words'), /every weekday at 22:00/);
    await check(phone, 'schedule dialog at 390 px');
    await phone.keyboard.press('Escape');
    await phone.getByRole('button', { name: /^Delete Greet someone, every weekday/ }).click();
    await phone.getByTestId('confirm-dialog').waitFor();
    await check(phone, 'delete schedule confirmation at 390 px');
    await phone.keyboard.press('Escape');

    await phone.goto(`${c.url}/#/`);
    await phone.getByRole('button', { name: 'Power…' }).click();
    await phone.getByTestId('power-dialog').waitFor();
    await check(phone, 'power dialog at 390 px');
    await phone.keyboard.press('Escape');
    await phone.getByRole('button', { name: 'Manage lab-pc-01' }).click();
    await phone.getByTestId('worker-dialog').getByRole('button', { name: 'Shut down…' }).click();
    await phone.getByTestId('power-confirm').waitFor();
    await check(phone, 'manage with its shutdown question at 390 px');
    await phone.keyboard.press('Escape');
    await phone.getByRole('button', { name: 'Manage lab-pc-09' }).click();
    await phone.getByTestId('worker-dialog').getByRole('button', { name: 'Wake lab-pc-09' }).waitFor();
    await check(phone, 'manage an offline PC at 390 px');
    await context.close();
    assert.equal(failing.length, 0, failing.join('\n'));
  });
});
