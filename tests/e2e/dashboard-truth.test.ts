/**
 * A dashboard that tells the truth about the lab, on any screen (issue 15), in real Chromium against
 * a real coordinator and real worker processes started with names: outcome filters with live counts,
 * names everywhere (ids on hover), rows that keep their place, rename, pause, forget and replace,
 * copy without a clipboard, active jobs first with the waiting ones folded, notices that stay on their
 * page, Run again into the form, direct runs confirmed twice, layouts for a phone, a laptop and a
 * projector, native dialogs, SVG icons, Load older only when there is more, the join token named at
 * login, the worker's own view, and the screenshots at three widths (docs/screenshots with npm run screenshots).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, logIn, SCREENSHOTS_DIR, useAdminToken, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { jobStatus, waitForJob } from '../helpers/jobs.ts';
import { waitForScreen } from '../helpers/log-screen.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip, uploadForm } from '../helpers/zip.ts';

const SHOTS = SCREENSHOTS_DIR;
/** The page's globals inside page.evaluate callbacks (the tests compile without the DOM library; types are erased before the page runs them). */
interface InPage {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(element: unknown, pseudo?: string): { display: string; content: string; fontSize: string; lineHeight: string };
  innerHeight: number;
}

/** Characters of the symbol blocks a font may lack (ⓘ, ◐, ⚠, ✓, ⏸, arrows): icons are SVG instead. */
const GLYPHS = /[\u2190-\u2bff\u24b6-\u24ff]/u;

describe('a dashboard that tells the truth about the lab, on any screen', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const procs: CliProcess[] = [];
  const idleFile = join(tempDir('cmdx-idle-'), 'idle-seconds');

  const target = () => ({ url: c.url, adminToken: c.tokens.adminToken });
  const startWorker = (id: string, name: string, extra: string[] = []) => {
    const proc = startCli(
      ['worker', '--server', c.url, '--id', id, '--name', name, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5', ...extra],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
    );
    procs.push(proc);
    return proc;
  };
  /** Uploads a zip named `filename` as one job for a worker; `fields`: timeoutSeconds, maxAttempts, target (JSON). */
  const submit = async (filename: string, commands: string, fields: Record<string, string> = {}): Promise<string> => {
    const zip = await buildZip([{ name: 'readme.txt', content: filename }]);
    const res = await fetch(`${c.url}/api/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.tokens.adminToken}` },
      body: uploadForm(zip, { commands, mode: 'distributed', ...fields }, filename),
    });
    const body = (await res.json()) as { jobId: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.jobId;
  };
  const only = (workerId: string) => ({ target: JSON.stringify({ workers: [workerId] }) });
  const row = (workerId: string) => page.locator(`[data-worker="${workerId}"]`);
  const workerOrder = () => page.locator('[data-testid="workers"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-worker')));
  const pressFilter = async (key: string) => page.locator(`[data-filter="${key}"]`).click();
  const count = async (key: string) => Number(await page.getByTestId(`count-${key}`).textContent());
  const manage = async (name: string) => {
    await page.getByRole('button', { name: `Manage ${name}`, exact: true }).click();
    return page.getByTestId('worker-dialog');
  };
  const setPaused = async (name: string, paused: boolean) => {
    const dialog = await manage(name);
    await dialog.getByRole('button', { name: `${paused ? 'Pause' : 'Resume'} ${name}`, exact: true }).click();
    await waitForText(dialog.getByTestId('worker-outcome'), paused ? /paus|finishes its job/ : /takes jobs again/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  };
  /** Whether the page scrolls sideways (it must not, on any screen). */
  const scrollsSideways = (p: Page) =>
    p.evaluate(() => {
      const { document } = globalThis as unknown as InPage;
      return document.documentElement.scrollWidth > document.documentElement.clientWidth;
    });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(idleFile, '100000\n'); // nobody at lab-pc-01: it may take jobs under an idle policy
    c = await startTestCoordinator({ offlineAfterSeconds: 3 });
    startWorker('pc-0001', 'lab-pc-01', ['--ui-port', '0', '--idle-file', idleFile]);
    startWorker('pc-0002', 'lab-pc-02');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    for (const p of procs) await p.kill('SIGKILL');
    await c?.close();
  });

  it('login: the join token is named as such, the message goes when the field is cleared, the admin token opens the live dashboard', async () => {
    await page.goto(c.url);
    await useAdminToken(page);
    const field = page.getByLabel('Admin token');
    await field.fill(c.tokens.joinToken);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(page.getByRole('alert'), /^That is the join token; use the admin token/);
    await field.fill('');
    assert.equal(await page.getByRole('alert').count(), 0, 'the sentence went with the token it was about');
    await field.fill('cmdx_a_not-the-right-one-xxxxxxxxxxxx');
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(page.getByRole('alert'), /not valid for this coordinator/);
    await field.fill(c.tokens.adminToken);
    assert.equal(await page.getByRole('alert').count(), 0);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(page.getByTestId('connection'), /Live/);
    await waitForText(row('pc-0001'), /Idle/, 20_000);
    await waitForText(row('pc-0002'), /Idle/, 20_000);
  });

  it('names every worker by its name (its id on hover); rows keep their place as status changes; Running shows the file and first command', async () => {
    assert.deepEqual(await workerOrder(), ['pc-0001', 'pc-0002'], "the API's order: by name");
    assert.equal(await row('pc-0001').locator('.worker-name').textContent(), 'lab-pc-01');
    assert.equal(await row('pc-0001').locator('.worker-name').getAttribute('title'), 'pc-0001');
    assert.doesNotMatch((await row('pc-0001').textContent())!, /pc-0001/, 'the id is on hover, not in the row');
    await waitForText(page.getByTestId('header-workers'), /^2 PCs: 2 idle$/);

    const jobId = await submit('report.zip', 'echo running on two\nsleep 3', only('pc-0002'));
    await waitForText(row('pc-0002'), /Busy/);
    assert.deepEqual(await workerOrder(), ['pc-0001', 'pc-0002'], 'a busy worker keeps its row');
    const running = row('pc-0002').getByTestId('worker-job');
    await waitForText(running, /report\.zip/);
    assert.match((await running.textContent())!, /^report\.zipecho running on two …$/);
    assert.equal(await running.getAttribute('title'), jobId, 'the job id is on hover');
    await waitForText(page.getByTestId('header-jobs'), /1 running/);

    const listed = page.locator(`[data-testid="jobs"] [data-job="${jobId}"]`);
    await waitForText(listed.getByTestId('job-worker'), /^lab-pc-02$/);
    assert.equal(await listed.getByTestId('job-worker').getAttribute('title'), 'pc-0002');

    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForText(page.getByTestId('job-worker'), /^lab-pc-02$/);
    assert.equal(await page.getByTestId('job-worker').getAttribute('title'), 'pc-0002');
    await waitForText(page.locator('.job-head'), /Passed/, 20_000);
    await page.goto(`${c.url}/#/`);
    await waitForText(row('pc-0002'), /Idle/);
    assert.deepEqual(await workerOrder(), ['pc-0001', 'pc-0002']);
  });

  it('a run tile names its PC, with the id on hover', async () => {
    const res = await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo tile' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await page.goto(`${c.url}/#/runs/${res.body.runId}`);
    await waitForText(page.getByTestId('run-summary'), /^2\/2 passed$/, 30_000);
    assert.deepEqual((await page.locator('[data-testid="run-tiles"] .tile-text').allTextContents()).sort(), ['lab-pc-01', 'lab-pc-02']);
    assert.match((await page.locator('[data-testid="run-tiles"] a', { hasText: 'lab-pc-01' }).getAttribute('title'))!, /^lab-pc-01 \(pc-0001\): /);
    await page.goto(`${c.url}/#/`);
  });

  it('outcome filters count live: a job that exits 1 appears under Failed with its count, a running one under Active, a lost one names its PC', async () => {
    await pressFilter('failed');
    const failed = await count('failed');
    const exits = await submit('broken.zip', 'echo about to fail\nexit 1', only('pc-0002'));
    const failedRow = page.locator(`[data-testid="jobs"] [data-job="${exits}"]`);
    await waitForText(failedRow, /Failed \(exit 1\)/, 20_000);
    await waitForText(page.getByTestId('count-failed'), new RegExp(`^${failed + 1}$`));
    await waitForText(page.getByTestId('header-jobs'), new RegExp(`${failed + 1} failed`));

    await pressFilter('active');
    assert.equal(await page.locator('[data-testid="jobs"] tbody tr').count(), 0, 'nothing active yet');
    const slow = await submit('slow.zip', 'echo slow\nsleep 2', only('pc-0001'));
    const slowRow = page.locator(`[data-testid="jobs"] [data-job="${slow}"]`);
    await waitForText(slowRow, /Running/, 20_000);
    await waitForText(page.getByTestId('count-active'), /^1$/);
    await waitFor('the passed job to leave Active', async () => ((await slowRow.count()) === 0 ? true : undefined), 20_000);
    await waitForText(page.getByTestId('count-active'), /^0$/);

    // A worker killed during its job: the job fails at once, and its sentence names the PC.
    startWorker('pc-0003', 'lab-pc-03');
    await waitForText(row('pc-0003'), /Idle/, 20_000);
    await pressFilter('failed');
    const lost = await submit('lost.zip', 'echo held\nsleep 60', only('pc-0003'));
    await waitForJob(target(), lost, (j) => j.status === 'running');
    await procs.at(-1)!.kill('SIGKILL');
    await waitForText(page.locator(`[data-testid="jobs"] [data-job="${lost}"]`), /Error/, 20_000);
    await waitForText(page.getByTestId('count-failed'), new RegExp(`^${failed + 2}$`));
    await page.goto(`${c.url}/#/jobs/${lost}`);
    await waitForText(page.getByTestId('error-message'), /^Worker lab-pc-03 \(pc-0003\) stopped sending heartbeats/);
    await waitForText(page.getByTestId('end-reason'), /^The PC running it went away \(switched off, asleep, or off the network\)\.$/);
    await page.goto(`${c.url}/#/`);
    await waitForText(row('pc-0003'), /Offline/);
  });

  it('offers a re-installed PC to replace its offline namesake; forgets an offline PC, and says why not while it is online', async () => {
    startWorker('pc-0003-new', 'lab-pc-03');
    const offer = row('pc-0003-new').getByTestId('replace-offer');
    await waitForText(offer, /^Replace lab-pc-03 \(offline\)$/, 20_000);
    await offer.click();
    await waitForText(page.getByTestId('workers-outcome'), /replaced lab-pc-03/);
    assert.equal(await row('pc-0003').count(), 0, 'the old entry is gone');
    assert.deepEqual(await workerOrder(), ['pc-0001', 'pc-0002', 'pc-0003-new']);

    let dialog = await manage('lab-pc-03');
    await dialog.getByRole('button', { name: 'Forget lab-pc-03…' }).click();
    await dialog.getByRole('button', { name: 'Forget lab-pc-03', exact: true }).click();
    await waitForText(dialog.getByTestId('worker-outcome'), /lab-pc-03 is online; stop it/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await procs.at(-1)!.kill('SIGTERM'); // says goodbye: offline at once
    await waitForText(row('pc-0003-new'), /Offline/, 20_000);
    dialog = await manage('lab-pc-03');
    await dialog.getByRole('button', { name: 'Forget lab-pc-03…' }).click();
    await dialog.getByRole('button', { name: 'Forget lab-pc-03', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitForText(page.getByTestId('workers-outcome'), /^lab-pc-03 was removed from the lab\.$/);
    assert.equal(await row('pc-0003-new').count(), 0);
    assert.deepEqual(await workerOrder(), ['pc-0001', 'pc-0002']);
  });

  it('renames a worker (back to its hostname too) without moving its row, and its jobs show the new name', async () => {
    const dialog = await manage('lab-pc-02');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'worker-name', 'focus starts on the field');
    await dialog.getByLabel('Name on the dashboard').fill('front-desk');
    await dialog.getByRole('button', { name: 'Rename', exact: true }).click();
    await waitForText(dialog.getByTestId('worker-outcome'), /^Renamed to front-desk\.$/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await waitForText(row('pc-0002').locator('.worker-name'), /^front-desk$/);
    assert.deepEqual(await workerOrder(), ['pc-0001', 'pc-0002'], 'renamed in place');
    await pressFilter('all');
    await waitForText(page.locator('[data-testid="jobs"] [data-job] [data-testid="job-worker"]', { hasText: 'front-desk' }), /front-desk/);

    const again = await manage('front-desk');
    await again.getByRole('button', { name: 'Use its hostname (lab-pc-02) again' }).click();
    await waitForText(again.getByTestId('worker-outcome'), /lab-pc-02 goes by its hostname again/);
    await again.getByRole('button', { name: 'Done' }).click();
    await waitForText(row('pc-0002').locator('.worker-name'), /^lab-pc-02$/);
  });

  it('pauses from the dashboard; running jobs come first, the waiting ones fold into one row that expands; a busy paused PC pauses after its job', async () => {
    await setPaused('lab-pc-01', true);
    await setPaused('lab-pc-02', true);
    await waitForText(row('pc-0001'), /Paused/);
    await waitForText(row('pc-0001').getByTestId('worker-note'), /^Paused from the dashboard at \d\d:\d\d/);
    const queued = [];
    for (const name of ['q1.zip', 'q2.zip', 'q3.zip']) queued.push(await submit(name, 'echo queued', only('pc-0002')));
    await page.goto(`${c.url}/#/jobs/${queued[0]}`);
    await waitForText(page.getByTestId('pending-hint'), /^Waiting for lab-pc-02, which is paused\./);
    await page.goto(`${c.url}/#/`);

    const long = await submit('long.zip', 'echo long\nsleep 60', only('pc-0001'));
    await setPaused('lab-pc-01', false);
    await waitForText(page.locator(`[data-job="${long}"]`), /Running/, 20_000);
    const group = page.getByTestId('pending-group');
    await waitForText(group, /3 waiting\s*— next: q1\.zip$/);
    const statuses = () => page.locator('[data-testid="jobs"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status') ?? 'group'));
    const order: string[] = await statuses();
    assert.equal(order[0], 'running', 'the running job first');
    assert.equal(order[1], 'group', 'then the waiting ones, as one row');
    assert.ok(order.length > 2 && order.slice(2).every((s) => ['completed', 'failed', 'cancelled'].includes(s)), `then the ended ones: ${order.join(', ')}`);
    assert.equal(await group.getByRole('button').getAttribute('aria-expanded'), 'false');
    await group.getByRole('button').click();
    const expanded = await page.locator('[data-testid="jobs"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));
    assert.deepEqual(expanded.slice(2, 5), queued, 'expanded: the queue in the order it is taken');

    await setPaused('lab-pc-01', true);
    await waitForText(row('pc-0001').getByTestId('worker-note'), /^Pausing after this job$/);
    assert.match((await row('pc-0001').textContent())!, /Busy/);
    await c.api('POST', '/api/jobs/cancel', { body: { jobId: long } });
    await waitForText(row('pc-0001').getByTestId('worker-note'), /^Paused from the dashboard at \d\d:\d\d/);
    await setPaused('lab-pc-01', false);
    await setPaused('lab-pc-02', false);
    for (const id of queued) await waitForJob(target(), id);
    await waitFor('the group to go', async () => ((await group.count()) === 0 ? true : undefined));
  });

  it('a notice stays on its page: "Cancellation requested" goes when the job ends, and Run again opens the form filled in, zip reused', async () => {
    const first = await submit('rerun.zip', 'echo first\nsleep 60', { ...only('pc-0001'), timeoutSeconds: '90', maxAttempts: '2' });
    await page.goto(`${c.url}/#/jobs/${first}`);
    await waitForScreen(page, (lines) => lines.includes('first'));
    const worker = procs[0]!;
    worker.proc.kill('SIGSTOP'); // the worker confirms the cancel only once it runs again
    try {
      await page.getByRole('button', { name: 'Cancel' }).click();
      await waitForText(page.getByTestId('job-notice'), /^Cancellation requested/);
    } finally {
      worker.proc.kill('SIGCONT');
    }
    await waitForText(page.locator('.job-head'), /Cancelled/);
    await waitFor('the notice to go', async () => ((await page.getByTestId('job-notice').count()) === 0 ? true : undefined));

    await page.getByRole('button', { name: 'Run again…' }).click();
    await page.waitForURL(new RegExp(`#/new\\?from=${first}$`));
    await waitForText(page.getByTestId('from-job'), new RegExp(first));
    assert.equal(await page.getByLabel(/^Commands/).inputValue(), 'echo first\nsleep 60');
    assert.equal(await page.getByRole('spinbutton', { name: /Time limit/ }).inputValue(), '90');
    assert.equal(await page.getByTestId('time-unit').inputValue(), 's', 'in the unit it was given in: 90 seconds');
    assert.equal(await page.getByRole('spinbutton', { name: /Attempts/ }).inputValue(), '2');
    assert.match((await page.getByTestId('zip-reused').textContent())!, /^rerun\.zip/);
    assert.match((await page.getByTestId('kept-target').textContent())!, /^Only on lab-pc-01/);
    await page.getByLabel(/^Commands/).fill('echo second run');
    await page.getByRole('spinbutton', { name: /Time limit/ }).fill('3');
    await page.getByTestId('time-unit').selectOption('min');
    await page.getByRole('button', { name: 'Run on a worker' }).click();
    await page.waitForURL((url) => /#\/jobs\/job-/.test(url.hash) && !url.hash.includes(first));
    const second = decodeURIComponent(new URL(page.url()).hash.slice('#/jobs/'.length));
    await waitForText(page.locator('.job-head'), /Passed/, 20_000);
    assert.equal(await page.getByTestId('job-notice').count(), 0, 'no notice of the other job');
    const [a, b] = [await jobStatus(target(), first), await jobStatus(target(), second)];
    assert.equal(b.fileUrl, a.fileUrl, 'the same zip, not uploaded again');
    assert.equal(b.command, 'echo second run');
    assert.equal(b.timeoutSeconds, 180);
    assert.equal(b.maxAttempts, 2);
    assert.deepEqual(b.target, { workers: ['pc-0001'] });
  });

  it('a direct run asks a second time, then runs on the coordinator and is listed in Jobs under the worker "coordinator"', async () => {
    await page.goto(`${c.url}/#/`);
    const before = (await c.api('GET', '/api/jobs/counts')).body.all as number;
    await page
      .getByTestId('zip-input')
      .setInputFiles({ name: 'direct.zip', mimeType: 'application/zip', buffer: await buildZip([{ name: 'a.txt', content: 'a' }]) });
    await page.getByLabel(/^Commands/).fill('echo direct-hello');
    await page.getByRole('radio', { name: /^Here on the coordinator/ }).check();
    await page.getByRole('button', { name: 'Run here' }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog.getByTestId('confirm-direct-text'), /^This runs the commands on the coordinator PC itself/);
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Cancel', 'a stray Enter does not run it');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await c.api('GET', '/api/jobs/counts')).body.all, before, 'nothing ran');

    await page.getByRole('button', { name: 'Run here' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run on the coordinator' }).click();
    await waitForScreen(page, (lines) => lines.includes('direct-hello'));
    await waitForText(page.getByTestId('direct-result'), /^Exited with code 0$/);
    const href = (await page.getByTestId('direct-job-link').getAttribute('href'))!;
    const jobId = href.slice('#/jobs/'.length);
    const listed = page.locator(`[data-testid="jobs"] [data-job="${jobId}"]`);
    await waitForText(listed, /Passed/);
    assert.equal(await listed.getByTestId('job-worker').textContent(), 'coordinator');
  });

  it('a coordinator started with --no-direct refuses a direct run, and the form says so', async () => {
    const strict = await startTestCoordinator({ direct: false });
    // A browser of its own: cookies are per host, not per port, so the other coordinator's session would replace this one's.
    const other = await (await browser.newContext()).newPage();
    try {
      await logIn(other, strict.url, strict.tokens.adminToken);
      await other
        .getByTestId('zip-input')
        .setInputFiles({ name: 'd.zip', mimeType: 'application/zip', buffer: await buildZip([{ name: 'a.txt', content: 'a' }]) });
      await other.getByLabel(/^Commands/).fill('echo no');
      await other.getByRole('radio', { name: /^Here on the coordinator/ }).check();
      await other.getByRole('button', { name: 'Run here' }).click();
      await other.getByRole('dialog').getByRole('button', { name: 'Run on the coordinator' }).click();
      await waitForText(other.getByRole('alert'), /does not run commands itself: it was started with --no-direct/);
    } finally {
      await other.context().close();
      await strict.close();
    }
  });

  it('Copy without a clipboard (plain HTTP from another PC) or with one that refuses: the text is selected, "Press Ctrl+C to copy", never "Copied"', async () => {
    const scripts = [
      'delete Navigator.prototype.clipboard',
      "Clipboard.prototype.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'))",
    ];
    for (const script of scripts) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await ctx.addInitScript(script);
      const p = await ctx.newPage();
      try {
        await logIn(p, c.url, c.tokens.adminToken);
        await p.getByRole('button', { name: 'Add a worker' }).click();
        const dialog = p.getByRole('dialog');
        await dialog.getByTestId('join-more').locator('summary').click(); // the headless command waits behind "Other ways"
        const button = dialog.getByRole('button', { name: 'Copy headless command' });
        await button.click();
        await waitForText(dialog.getByRole('status'), /^Press Ctrl\+C to copy/);
        assert.equal(await button.textContent(), 'Copy', 'never "Copied"');
        const field = dialog.getByTestId('headless-command');
        const selected = await p.evaluate<string>(
          'document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)',
        );
        assert.equal(selected, await field.inputValue(), 'the whole text is selected');
        assert.equal(await p.evaluate<string>("document.activeElement?.getAttribute('data-testid')"), 'headless-command');
      } finally {
        await ctx.close();
      }
    }
  });

  it('dialogs are native <dialog>s: focus starts on the first field (not Done), stays inside, Esc closes', async () => {
    await page.goto(`${c.url}/#/`);
    await page.getByRole('button', { name: 'Add a worker' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    // Past the dialog's last control focus may go to the browser's own UI (the body here), never to the page behind.
    const focused = () =>
      page.evaluate<{ tag: string; inside: boolean }>(
        "({ tag: document.activeElement?.tagName, inside: !!document.activeElement?.closest('dialog[open]') || document.activeElement === document.body })",
      );
    const first = await focused();
    assert.ok(['TEXTAREA', 'INPUT', 'SELECT'].includes(first.tag), `focus on a field: ${JSON.stringify(first)}`);
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      assert.equal((await focused()).inside, true, 'Tab never reaches the page behind the dialog');
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('Load older jobs shows only when there are older jobs, under each filter', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('connection'), /Live/);
    const more = page.getByRole('button', { name: 'Load older jobs' });
    assert.equal(await more.count(), 0, 'fewer than a page of jobs: nothing older');
    // 60 more jobs, cancelled at once: more than a page under All and under Cancelled.
    await setPaused('lab-pc-02', true);
    const firstFiller = await submit('filler.zip', 'echo filler', only('pc-0002'));
    await c.api('POST', '/api/jobs/cancel', { body: { jobId: firstFiller } });
    const { fileUrl } = await jobStatus(target(), firstFiller);
    for (let i = 1; i < 60; i++) {
      const made = await c.api('POST', '/api/jobs/create', {
        body: { command: 'echo filler', fileUrl, filename: `filler-${i}.zip`, target: { workers: ['pc-0002'] } },
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      await c.api('POST', '/api/jobs/cancel', { body: { jobId: made.body.jobId } });
    }
    await setPaused('lab-pc-02', false);
    await page.reload();
    await waitForText(page.getByTestId('connection'), /Live/);
    await more.waitFor();
    const total = (await c.api('GET', '/api/jobs/counts')).body.all as number;
    await more.click();
    // The list draws only the rows on screen; its aria-rowcount (the header row and every job's) says how many it holds.
    const listed = async () => Number(await page.getByTestId('jobs').getAttribute('aria-rowcount')) - 1;
    await waitFor('every job listed', async () => ((await listed()) === total ? true : undefined));
    assert.equal(await more.count(), 0, 'all listed: nothing older');
    await pressFilter('cancelled');
    await more.waitFor();
    await pressFilter('passed');
    await waitForText(page.locator('[data-testid="jobs"]'), /Passed/);
    assert.equal(await more.count(), 0, 'a few passed jobs: nothing older');
  });

  it('the worker view: its name, the coordinator it is connected to, "Pausing after this job", and why it waits', async () => {
    const ui = procs[0]!.logs.find((l) => l.msg === 'worker status page').url as string;
    const view = await context.newPage();
    try {
      await view.goto(ui);
      await waitForText(view.getByTestId('worker-status'), /Idle/, 20_000);
      // The name the agent reports (--name), else its id: the view shows what the worker itself knows.
      const statusPage = new URL(ui);
      const key = new URLSearchParams(statusPage.hash.split('?')[1]).get('key')!;
      const own = (await (await fetch(`${statusPage.origin}/local/state`, { headers: { 'x-cmdx-local-key': key } })).json()) as {
        name?: string;
        workerId: string;
      };
      assert.equal(own.name, 'lab-pc-01', 'the agent reports its --name');
      assert.equal(await view.getByTestId('worker-name').textContent(), 'lab-pc-01');
      assert.equal(await view.getByTestId('worker-name').getAttribute('title'), 'pc-0001');
      assert.equal(await view.getByTestId('worker-coordinator').textContent(), `Connected to the coordinator at ${new URL(c.url).origin}`);

      await submit('view.zip', 'echo on the worker\nsleep 3', only('pc-0001'));
      await waitForText(view.getByTestId('worker-status'), /Busy/, 20_000);
      await view.getByTestId('pause-toggle').click();
      await waitForText(view.getByTestId('worker-pausing'), /^Pausing after this job/);
      await waitForText(view.getByTestId('worker-status'), /Paused/, 20_000);
      assert.equal(await view.getByTestId('worker-pausing').count(), 0);
      await view.getByTestId('pause-toggle').click();
      await waitForText(view.getByTestId('worker-status'), /Idle/);

      // Someone sits at the PC: under an idle policy it waits, and says why, here and on the dashboard.
      assert.equal((await c.api('POST', '/api/workers/policy', { body: { workerId: 'pc-0001', when: 'idle', idleMinutes: 10 } })).status, 200);
      writeFileSync(idleFile, '5\n');
      await waitForText(view.getByTestId('worker-waiting'), /^Waiting: PC in use since \d/, 20_000);
      await page.goto(`${c.url}/#/`);
      await waitForText(row('pc-0001'), /Waiting/, 20_000);
      await waitForText(row('pc-0001').getByTestId('worker-note'), /^PC in use since/);
      await setPaused('lab-pc-02', true);
      const waits = await submit('waits.zip', 'echo later');
      await page.goto(`${c.url}/#/jobs/${waits}`);
      await waitForText(page.getByTestId('pending-hint'), /1 PC is in use by students/);
      writeFileSync(idleFile, '100000\n');
      await waitForText(page.locator('.job-head'), /Passed/, 30_000);
      await c.api('POST', '/api/workers/policy', { body: { workerId: 'pc-0001', clear: true } });
      await page.goto(`${c.url}/#/`);
      await setPaused('lab-pc-02', false);
    } finally {
      await view.close();
    }
  });

  it('icons are inline SVG: no symbol glyphs in the text, no ⓘ drawn by CSS', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('connection'), /Live/);
    const pages = [page];
    const view = await context.newPage();
    await view.goto(procs[0]!.logs.find((l) => l.msg === 'worker status page').url as string);
    await waitForText(view.getByTestId('worker-status'), /Idle/, 20_000);
    pages.push(view);
    for (const p of pages) {
      const text = await p.evaluate<string>('document.body.innerText');
      assert.doesNotMatch(text, GLYPHS, `a font glyph: ${text.match(GLYPHS)?.[0]}`);
      const badges = await p.locator('.badge, .big-status').evaluateAll((els) => els.map((e) => e.querySelector('svg') !== null));
      assert.ok(badges.length > 0 && badges.every(Boolean), 'every badge has its SVG icon');
    }
    await view.close();
    await setPaused('lab-pc-02', true);
    const pending = await submit('hint.zip', 'echo hint', only('pc-0002'));
    await page.goto(`${c.url}/#/jobs/${pending}`);
    const hint = page.getByTestId('pending-hint');
    await hint.waitFor();
    assert.equal(await hint.evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e, '::before').content), 'none');
    assert.equal(await hint.locator('svg').count(), 1);
    assert.doesNotMatch(await page.evaluate<string>('document.body.innerText'), GLYPHS);
    await page.goto(`${c.url}/#/`);
    await setPaused('lab-pc-02', false);
    await waitForJob(target(), pending);
  });

  it('fits a 390 px phone (cards, a two-line header, no sideways scroll), a 1280×800 laptop, and a 1920×1080 projector (larger type, more rows); writes the screenshots', async () => {
    // A lab as it looks mid-lesson: a running job, a queue, a PC in use, a paused one, an offline one.
    const fake = ['lab-pc-04', 'lab-pc-05', 'lab-pc-06', 'lab-pc-07'];
    const tokens = new Map<string, string>();
    for (const id of fake) tokens.set(id, await c.register(id, { hostname: id, os: 'linux', cpuCount: 8 }));
    const beat = () =>
      Promise.all(
        ['lab-pc-04', 'lab-pc-05', 'lab-pc-06'].map((id) =>
          c.api('POST', '/api/workers/heartbeat', {
            token: tokens.get(id)!,
            body: { workerId: id, ...(id === 'lab-pc-05' ? { available: false, reason: 'PC in use since 10:42' } : {}) },
          }),
        ),
      );
    await beat();
    const beating = setInterval(() => void beat(), 1000);
    try {
      await c.api('POST', '/api/workers/pause', { body: { workerId: 'lab-pc-06', paused: true } });
      await c.api('POST', '/api/workers/tags', { body: { workerId: 'pc-0001', tags: ['room-b'] } });
      const running = await submit('project.zip', 'echo running the tests\nsleep 60', only('pc-0001'));
      await setPaused('lab-pc-02', true);
      for (const name of ['alice.zip', 'bob.zip', 'carol.zip']) await submit(name, 'npm test', only('pc-0002'));
      await waitForJob(target(), running, (j) => j.status === 'running');

      const sizes = [
        { width: 390, height: 844, shot: 'lab-390.png' },
        { width: 1280, height: 800, shot: null },
        { width: 1366, height: 768, shot: 'lab-1366.png' },
        { width: 1920, height: 1080, shot: 'lab-1920.png' },
      ];
      const rowsInView: Record<number, number> = {};
      for (const size of sizes) {
        const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height } });
        const p = await ctx.newPage();
        try {
          await logIn(p, c.url, c.tokens.adminToken);
          await waitForText(p.locator('[data-worker="lab-pc-05"]'), /Waiting/, 20_000);
          await waitForText(p.locator('[data-worker="lab-pc-07"]'), /Offline/, 20_000);
          await waitForText(p.locator(`[data-job="${running}"]`), /Running/);
          await waitForText(p.getByTestId('pending-group'), /3 waiting/);
          assert.equal(await scrollsSideways(p), false, `no sideways scroll at ${size.width} px`);
          const header = (await p.locator('.topbar').boundingBox())!;
          const line = await p
            .locator('.topbar .brand')
            .evaluate((e) => parseFloat((globalThis as unknown as InPage).getComputedStyle(e).lineHeight) || e.getBoundingClientRect().height);
          assert.ok(header.height < 2 * line + 40, `the header keeps to two lines at ${size.width} px (${header.height} px)`);
          const tableLook = await p
            .locator('[data-testid="jobs"] tbody tr')
            .first()
            .evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e).display);
          if (size.width === 390) {
            assert.equal(tableLook, 'block', 'rows are cards on a phone');
            // New job is in the header, in the first screen; the fingerprint is one line, its start, until asked for.
            const newJob = (await p.getByTestId('header-new-job').boundingBox())!;
            assert.ok(newJob.y + newJob.height <= size.height, 'New job within the first screen');
            const about = p.getByTestId('about');
            assert.equal(await p.getByTestId('fingerprint').isVisible(), false);
            assert.match((await about.locator('.fingerprint-start').textContent()) ?? '', /^([0-9A-F]{2}:){7}[0-9A-F]{2}…$/);
            const aboutBox = (await about.boundingBox())!;
            assert.ok(aboutBox.height < 2 * line + 20, `the fingerprint bar keeps to one line (${aboutBox.height} px, a line ${line} px)`);
            await about.getByRole('button', { name: 'show all' }).click();
            assert.equal(await p.getByTestId('fingerprint').isVisible(), true);
            await about.getByRole('button', { name: 'less' }).click();
            assert.equal(await p.locator('[data-testid="jobs"] thead').isVisible(), false);
            for (const hash of [`#/jobs/${running}`, '#/runs']) {
              await p.goto(`${c.url}/${hash}`);
              await p.locator('main').waitFor();
              assert.equal(await scrollsSideways(p), false, `no sideways scroll on ${hash} at 390 px`);
            }
            await p.goto(`${c.url}/#/`);
            await waitForText(p.getByTestId('pending-group'), /3 waiting/);
          } else {
            assert.equal(tableLook, 'table-row');
            assert.equal(await p.locator('[data-testid="jobs"] thead').isVisible(), true);
          }
          if (size.width === 1920) {
            assert.equal(await p.evaluate<string>('getComputedStyle(document.documentElement).fontSize'), '18px', 'larger type for the back of the room');
            const [w, j] = [(await p.locator('.workers-card').boundingBox())!, (await p.locator('.jobs-card').boundingBox())!];
            assert.equal(Math.round(w.y), Math.round(j.y), 'workers and jobs side by side');
          }
          rowsInView[size.width] = await p
            .locator('[data-testid="jobs"] tbody tr')
            .evaluateAll((rows) => rows.filter((r) => r.getBoundingClientRect().bottom <= (globalThis as unknown as InPage).innerHeight).length);
          if (size.shot) await p.screenshot({ path: join(SHOTS, size.shot) });
        } finally {
          await ctx.close();
        }
      }
      assert.ok(rowsInView[1920]! > rowsInView[1280]!, `more job rows on the projector: ${JSON.stringify(rowsInView)}`);
    } finally {
      clearInterval(beating);
    }
  });
});
