/**
 * The dashboard in real Chromium against a real coordinator and real worker processes: login, live
 * workers and jobs, upload through the form, live output, cancel, a killed worker going offline,
 * reconnecting after a coordinator restart, and the worker's own view. Writes screenshots (docs/screenshots with npm run screenshots).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, SCREENSHOTS_DIR, useAdminToken, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { textColor, waitForScreen } from '../helpers/log-screen.ts';
import { startCli, type CliProcess } from '../helpers/processes.ts';
import { buildZip } from '../helpers/zip.ts';

const SHOTS = SCREENSHOTS_DIR;

function startWorker(c: TestCoordinator, id: string, extra: string[] = []): CliProcess {
  return startCli(['worker', '--server', c.url, '--id', id, '--name', id, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5', ...extra], {
    CMDX_JOIN_TOKEN: c.tokens.joinToken,
  });
}

describe('dashboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let worker: CliProcess;
  let port: number;
  const dataDir = tempDir();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    c = await startTestCoordinator({ dataDir, offlineAfterSeconds: 3 });
    port = c.port;
    worker = startWorker(c, 'lab-pc-01', ['--ui-port', '0']);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('asks for the admin token, says when it is wrong, then shows a live idle worker', async () => {
    await page.goto(c.url);
    await useAdminToken(page);
    await page.getByLabel('Admin token').fill('cmdx_a_wrong-token-xxxxxxxxxxxx');
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(page.getByRole('alert'), /not valid for this coordinator/);
    await page.getByLabel('Admin token').fill(c.tokens.adminToken);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(page.getByTestId('connection'), /Live/);
    await waitForText(page.locator('[data-worker="lab-pc-01"]'), /Idle/);
    const row = await page.locator('[data-worker="lab-pc-01"]').textContent();
    assert.match(row!, /s ago/);
  });

  it('keeps no admin token in the page: the session is an HttpOnly cookie no script reads, here or on another port of this host', async () => {
    assert.equal(await page.evaluate<number>('sessionStorage.length + localStorage.length'), 0, 'nothing kept in web storage');
    assert.equal(await page.evaluate<string>('document.cookie'), '', 'the session cookie is HttpOnly');
    assert.ok((await context.cookies(c.url)).some((k) => k.name === 'cmdx_session' && k.httpOnly && k.secure && k.sameSite === 'Strict'));
    const { createServer } = await import('node:http');
    const other = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end("<script>document.title = 'seen:' + document.cookie + '|' + JSON.stringify(sessionStorage) + JSON.stringify(localStorage)</script>");
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const snoop = await context.newPage();
      await snoop.goto(`http://127.0.0.1:${(other.address() as { port: number }).port}/`);
      await waitForText(snoop.locator('title'), /^seen:/);
      assert.doesNotMatch((await snoop.title()) ?? '', /cmdx_a_|cmdx_session/);
      await snoop.close();
    } finally {
      other.close();
    }
  });

  it('runs a zip submitted through the form: output arrives live, the worker goes busy then idle', async () => {
    const watcher = await context.newPage();
    await watcher.goto(c.url); // same browser: its session cookie signs it in
    await waitForText(watcher.locator('[data-worker="lab-pc-01"]'), /Idle/);

    const zip = await buildZip([{ name: 'demo/greet.sh', content: 'printf "\\033[32mhello in green\\033[0m\\n"\n' }]);
    await page.getByTestId('zip-input').setInputFiles({ name: 'demo.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByLabel(/^Commands/).fill('echo starting\nsh greet.sh\nsleep 2\necho oops >&2\necho finished');
    await page.getByRole('button', { name: 'Run on a worker' }).click();
    await page.waitForURL(/#\/jobs\/job-/);

    await waitForScreen(page, (lines) => lines.includes('hello in green'));
    const running = await page.locator('.job-head [data-status]').getAttribute('data-status');
    assert.equal(running, 'running', 'output was shown while the job was still running');
    await waitForText(watcher.locator('[data-worker="lab-pc-01"]'), /Busy/);
    assert.equal(await textColor(page, 'hello in green'), 'rgb(74, 222, 128)', "the theme's green");

    await waitForText(page.locator('.job-head'), /Passed/);
    await waitForScreen(page, (lines) => lines.includes('finished'));
    assert.equal(await textColor(page, 'oops'), 'rgb(248, 113, 113)', 'stderr is told apart (red)');
    assert.notEqual(await textColor(page, 'finished'), 'rgb(248, 113, 113)');
    assert.equal(await page.getByTestId('exit-code').textContent(), '0');
    await waitForText(watcher.locator('[data-worker="lab-pc-01"]'), /Idle/);
    await page.screenshot({ path: join(SHOTS, 'job-page.png') });
    await watcher.goto(`${c.url}/#/`);
    await waitForText(watcher.getByTestId('jobs'), /demo\.zip/);
    await watcher.screenshot({ path: join(SHOTS, 'coordinator.png') });
    await watcher.close();
  });

  it('sends the shell chosen in the form with the job, shows it on its page, and Run again keeps it until changed', async () => {
    await page.goto(`${c.url}/#/`);
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    await page.getByTestId('zip-input').setInputFiles({ name: 'shell.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByLabel(/^Commands/).fill('echo in sh');
    assert.equal(await page.getByTestId('shell-select').inputValue(), '', "the PC's default unless chosen");
    await page.getByTestId('shell-select').selectOption('sh');
    await page.getByRole('button', { name: 'Run on a worker' }).click();
    await page.waitForURL(/#\/jobs\/job-/);
    const first = decodeURIComponent(new URL(page.url()).hash.slice('#/jobs/'.length));
    await waitForText(page.getByTestId('job-shell'), /^sh$/);
    await waitForText(page.locator('.job-head'), /Passed/);
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${first}`)).body.shell, 'sh');

    await page.getByRole('button', { name: 'Run again…' }).click();
    await page.waitForURL(new RegExp(`#/new\\?from=${first}$`));
    assert.equal(await page.getByTestId('shell-select').inputValue(), 'sh');
    await page.getByTestId('shell-select').selectOption({ label: 'Default for the PC' });
    await page.getByRole('button', { name: 'Run on a worker' }).click();
    await page.waitForURL((url) => /#\/jobs\/job-/.test(url.hash) && !url.hash.includes(first));
    const second = decodeURIComponent(new URL(page.url()).hash.slice('#/jobs/'.length));
    await waitForText(page.locator('.job-head'), /Passed/);
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${second}`)).body.shell, null);
    assert.equal(await page.getByTestId('job-shell').count(), 0, 'no shell shown when the job names none');
  });

  it('cancels a long job from its page, showing "Cancelling…" until the worker confirms', async () => {
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo long job\nsleep 60');
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForScreen(page, (lines) => lines.includes('long job'));
    // The worker is frozen for a moment, so the page shows the time between asking and its confirmation.
    worker.proc.kill('SIGSTOP');
    try {
      await page.getByRole('button', { name: 'Cancel' }).click();
      await waitForText(page.getByTestId('cancelling'), /Cancelling…/);
      assert.equal(await page.locator('.job-head [data-status]').first().getAttribute('data-status'), 'running', 'still running until the worker confirms');
      assert.equal(await page.getByRole('button', { name: 'Cancelling…' }).isDisabled(), true);
    } finally {
      worker.proc.kill('SIGCONT');
    }
    await waitForText(page.locator('.job-head'), /Cancelled/);
    assert.equal(await page.getByTestId('cancelling').count(), 0);
    assert.equal((await waitForJob(t, jobId)).status, 'cancelled');
  });

  it('explains why a job is pending, and shows a killed worker turning offline', async () => {
    const second = startWorker(c, 'lab-pc-02');
    await page.goto(`${c.url}/#/`);
    await waitForText(page.locator('[data-worker="lab-pc-02"]'), /Idle/);
    await second.kill('SIGKILL');
    await waitForText(page.locator('[data-worker="lab-pc-02"]'), /Offline/, 15_000);
    // Pause the remaining worker through its own page, then a new job has nowhere to go.
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const statusPage = new URL(worker.logs.find((l) => l.msg === 'worker status page').url);
    const localHeaders = { 'x-cmdx-local': '1', 'x-cmdx-local-key': new URLSearchParams(statusPage.hash.split('?')[1]).get('key')! };
    await fetch(`${statusPage.origin}/local/pause`, { method: 'POST', headers: localHeaders });
    await waitForText(page.locator('[data-worker="lab-pc-01"]'), /Paused/);
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo waited');
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForText(page.getByTestId('pending-hint'), /paused/);
    await fetch(`${statusPage.origin}/local/resume`, { method: 'POST', headers: localHeaders });
    await waitForText(page.locator('.job-head'), /Passed/);
  });

  it('reconnects by itself after the coordinator restarts and catches up without a reload', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('connection'), /Live/);
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await c.stop();
    await waitForText(page.getByTestId('connection'), /Reconnecting/);
    c = await startTestCoordinator({ dataDir, port, offlineAfterSeconds: 3 });
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const jobId = await submitZip(t, [{ name: 'late.txt', content: 'a' }], 'echo after restart');
    await waitForText(page.getByTestId('connection'), /Live/, 20_000);
    await waitForText(page.locator(`[data-job="${jobId}"]`), /Passed|Running|Pending/, 20_000);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker: number }).marker), 42, 'the page was not reloaded');
  });

  it('shows the worker view from the worker on that PC: state, live output, recent jobs, Pause/Resume', async () => {
    const ui = worker.logs.find((l) => l.msg === 'worker status page').url as string;
    const view = await context.newPage();
    await view.goto(ui);
    await waitForText(view.getByTestId('worker-coordinator'), /^Connected to the coordinator at /, 20_000);
    await waitForText(view.getByTestId('worker-status'), /Idle/);
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo visible on the worker\nsleep 2\necho bye');
    await waitForText(view.getByTestId('worker-status'), /Busy/);
    await waitForScreen(view, (lines) => lines.includes('visible on the worker'));
    await view.screenshot({ path: join(SHOTS, 'worker-view.png') });
    await waitForText(view.getByTestId('recent-jobs'), /Passed/, 20_000);
    assert.match((await view.locator(`[data-job="${jobId}"]`).textContent())!, /a\.zip|project\.zip/);
    await view.getByTestId('pause-toggle').click();
    await waitForText(view.getByTestId('worker-status'), /Paused/);
    await view.getByTestId('pause-toggle').click();
    await waitForText(view.getByTestId('worker-status'), /Idle/);
    await view.close();
  });
});
