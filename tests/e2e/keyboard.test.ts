/**
 * The dashboard by keyboard alone, in real Chromium against a real coordinator and workers: skip
 * links first on every page, focus on the new page's h1 after login and after a route change, and
 * the workers and jobs lists as one tab stop each (arrow keys between rows, Enter opens a row), a
 * page for a job or run that is not there (its h1 focused), and the Jobs and Runs tabs by arrow keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, useAdminToken, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

/** What has the focus: its tag, text, and the row (worker or job) it is or is in. */
interface Focused {
  tag: string;
  text: string;
  inMain: boolean;
  worker: string | null;
  job: string | null;
  inNewJob: boolean;
}

function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    const row = el?.closest('tr');
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      text: (el?.textContent ?? '').trim().slice(0, 80),
      inMain: !!el?.closest('main'),
      worker: row?.getAttribute('data-worker') ?? null,
      job: row?.getAttribute('data-job') ?? null,
      inNewJob: !!el?.closest('form.new-job'),
    };
  });
}

/** Waits until the focus is on an h1 whose text matches. */
async function waitForFocusedHeading(page: Page, text: RegExp): Promise<void> {
  await waitFor(`an h1 ${text} focused`, async () => {
    const f = await focused(page);
    return f.tag === 'h1' && text.test(f.text) ? true : undefined;
  });
}

/** From a fresh load of the home page: presses Tab until the focus is in the New job form; answers every stop on the way. */
async function tabToNewJob(page: Page): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let i = 0; i < 500; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f);
    if (f.inNewJob) return stops;
  }
  throw new Error(`the New job form not reached in 500 tab stops: ${JSON.stringify(stops.slice(-5))}`);
}

describe('the dashboard by keyboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let page: Page;
  let worker: CliProcess;
  const jobs: string[] = [];

  /** Loads the home page anew (the token is kept for the tab), so the focus starts at the top of the document. */
  const freshHome = async () => {
    await page.goto(`${c.url}/#/`);
    await page.reload();
    await waitForText(page.getByTestId('connection'), /Live/);
    await waitForText(page.getByTestId('jobs'), /job-5\.zip/);
  };

  before(async () => {
    c = await startTestCoordinator();
    worker = startCli(
      ['worker', '--server', c.url, '--id', 'lab-pc-01', '--name', 'lab-pc-01', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'],
      {
        CMDX_JOIN_TOKEN: c.tokens.joinToken,
      },
    );
    for (const id of ['lab-pc-02', 'lab-pc-03', 'lab-pc-04']) await c.register(id, { hostname: id });
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    for (let i = 0; i < 6; i++) jobs.push(await submitZip(t, [{ name: 'a.txt', content: 'a' }], `echo job ${i}`, {}, `job-${i}.zip`));
    for (const id of jobs) await waitForJob(t, id);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('after login, the focus is on the home page h1', async () => {
    await page.goto(c.url);
    await useAdminToken(page);
    await page.getByLabel('Admin token').fill(c.tokens.adminToken);
    await page.getByLabel('Admin token').press('Enter');
    await waitForText(page.getByTestId('connection'), /Live/);
    await waitForFocusedHeading(page, /Workers and jobs/);
  });

  it('Tab from the top reaches "Skip to main content" first, shown; activating it puts the focus in main', async () => {
    await freshHome();
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.deepEqual([first.tag, first.text], ['a', 'Skip to main content']);
    const box = await page.evaluate(() => {
      const r = (globalThis as any).document.activeElement.getBoundingClientRect();
      return { top: r.top, height: r.height, width: r.width };
    });
    assert.ok(box.top >= 0 && box.height > 10 && box.width > 50, `shown on focus: ${JSON.stringify(box)}`);
    await page.keyboard.press('Enter');
    const after = await focused(page);
    assert.ok(after.inMain, `the focus in main: ${JSON.stringify(after)}`);
    assert.equal(after.tag, 'h1');
    assert.equal(new URL(page.url()).hash, '#/', 'the route stays');
  });

  it('"Skip to New job" comes second and puts the focus on the form', async () => {
    await freshHome();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).text, 'Skip to New job');
    await page.keyboard.press('Enter');
    const f = await focused(page);
    assert.ok(f.inNewJob, JSON.stringify(f));
  });

  it('the workers list and the jobs list are one tab stop each on the way to New job', async () => {
    await freshHome();
    const stops = await tabToNewJob(page);
    const workerRows = new Set(stops.filter((s) => s.worker).map((s) => s.worker));
    const jobRows = new Set(stops.filter((s) => s.job).map((s) => s.job));
    console.log(`tab stops from the top of the home page to the New job form: ${stops.length} (4 workers, ${jobs.length} jobs)`);
    assert.deepEqual([...workerRows], ['lab-pc-01'], 'only the first worker row is in the tab order');
    assert.equal(jobRows.size, 1, 'only one job row is in the tab order');
    const row = stops.findIndex((s) => s.tag === 'tr' && s.worker === 'lab-pc-01');
    assert.ok(row >= 0, 'the row itself is a stop');
    assert.deepEqual([stops[row + 1]!.tag, stops[row + 1]!.worker], ['button', 'lab-pc-01'], "Tab from the row goes on into the row's buttons");
  });

  it('in the workers list, ArrowDown and ArrowUp move between rows, End and Home to the last and first, Enter opens Manage', async () => {
    await freshHome();
    await page.locator('[data-worker="lab-pc-01"]').focus();
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await focused(page).then((f) => [f.tag, f.worker]), ['tr', 'lab-pc-02']);
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).worker, 'lab-pc-03');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused(page)).worker, 'lab-pc-02');
    await page.keyboard.press('End');
    assert.equal((await focused(page)).worker, 'lab-pc-04');
    await page.keyboard.press('Home');
    assert.equal((await focused(page)).worker, 'lab-pc-01');
    await page.keyboard.press('ArrowDown');
    // The row the arrows left is the list's one tab stop now: Shift+Tab from the form's first field comes back through it.
    assert.deepEqual(
      await page.evaluate(() =>
        [...(globalThis as any).document.querySelectorAll('[data-testid="workers"] tbody tr')].map(
          (r: any) => `${r.getAttribute('data-worker')}:${r.tabIndex}`,
        ),
      ),
      ['lab-pc-01:-1', 'lab-pc-02:0', 'lab-pc-03:-1', 'lab-pc-04:-1'],
    );
    await page.keyboard.press('Enter');
    await waitForText(page.getByRole('dialog').getByRole('heading').first(), /lab-pc-02/);
    await page.keyboard.press('Escape');
    await waitFor('the focus back on the row', async () => ((await focused(page)).worker === 'lab-pc-02' ? true : undefined));
  });

  it('in the jobs list, ArrowDown moves to the next row and Enter opens its page, whose h1 gets the focus', async () => {
    await freshHome();
    const rows = page.locator('[data-testid="jobs"] tbody tr[data-job]');
    const second = await rows.nth(1).getAttribute('data-job');
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).job, second);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/jobs/${second}$`));
    await waitForFocusedHeading(page, /job-\d\.zip/);
  });

  it('after a route change by a link, the focus is on the new page h1', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('jobs'), /job-5\.zip/);
    await page.locator(`[data-job="${jobs[2]}"] a`).click();
    await page.waitForURL(new RegExp(`#/jobs/${jobs[2]}$`));
    await waitForFocusedHeading(page, /job-2\.zip/);
    await page.getByRole('link', { name: 'All jobs' }).click();
    await waitForFocusedHeading(page, /Workers and jobs/);
  });

  /** The page's landmarks and headings: one main holding one h1 is what the focus after a route change needs. */
  const outline = () =>
    page.evaluate(() => {
      const doc = (globalThis as any).document;
      return { mains: doc.querySelectorAll('main').length, h1s: doc.querySelectorAll('h1').length, h1sInMain: doc.querySelectorAll('main h1').length };
    });

  it('a job or run that does not exist still has its page: one main, one h1, which gets the focus', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('jobs'), /job-5\.zip/);
    await page.evaluate(() => ((globalThis as any).location.hash = '#/jobs/job-nope'));
    await waitForFocusedHeading(page, /^Job not found$/);
    assert.deepEqual(await outline(), { mains: 1, h1s: 1, h1sInMain: 1 });
    await waitForText(page.getByRole('alert'), /This coordinator has no job job-nope/);
    await page.evaluate(() => ((globalThis as any).location.hash = '#/runs/run-nope'));
    await waitForFocusedHeading(page, /^Run not found$/);
    assert.deepEqual(await outline(), { mains: 1, h1s: 1, h1sInMain: 1 });
  });

  it('a job page the coordinator did not answer says so in its h1, which gets the focus; Try again asks again', async () => {
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('jobs'), /job-5\.zip/);
    // A job the live feed does not list (one it lists shows from the feed's copy): its page reads it from the API.
    await page.route('**/api/jobs/status?*', (route) => route.abort());
    try {
      await page.evaluate(() => ((globalThis as any).location.hash = '#/jobs/job-elsewhere'));
      await waitForFocusedHeading(page, /^The job could not be loaded$/);
      assert.deepEqual(await outline(), { mains: 1, h1s: 1, h1sInMain: 1 });
      await waitForText(page.getByRole('alert'), /cannot be reached/);
    } finally {
      await page.unroute('**/api/jobs/status?*');
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await waitForText(page.locator('main h1'), /^Job not found$/);
  });

  it('the Jobs and Runs tabs are one tab stop; the arrow keys, Home and End switch them, the focus on the selected tab', async () => {
    await freshHome();
    const tabs = page.getByRole('tablist', { name: 'Jobs or runs' }).getByRole('tab');
    const state = () =>
      page.evaluate(() => {
        const doc = (globalThis as any).document;
        const el = doc.activeElement;
        const tabs = [...doc.querySelectorAll('[role="tab"]')].map(
          (t: any) => `${t.textContent.replace(/\d+/, '').trim()}:${t.getAttribute('aria-selected')}:${t.tabIndex}`,
        );
        const panel = doc.querySelector('[role="tabpanel"]');
        const labelledBy = panel && doc.getElementById(panel.getAttribute('aria-labelledby'));
        return {
          focused: el?.getAttribute('role') === 'tab' ? el.textContent.replace(/\d+/, '').trim() : null,
          tabs,
          panel: labelledBy?.textContent.replace(/\d+/, '').trim(),
        };
      });
    assert.equal(await tabs.count(), 2);
    assert.deepEqual(await state(), { focused: null, tabs: ['Jobs:true:0', 'Runs:false:-1'], panel: 'Jobs' });
    /** Presses `key` on the focused tab; waits until `name` is the selected and focused tab, its panel shown and its address in the URL. */
    const press = async (key: string, name: 'Jobs' | 'Runs') => {
      await page.keyboard.press(key);
      const expected = {
        focused: name,
        tabs: name === 'Jobs' ? ['Jobs:true:0', 'Runs:false:-1'] : ['Jobs:false:-1', 'Runs:true:0'],
        panel: name,
      };
      await waitFor(`${name} selected after ${key}`, async () => JSON.stringify(await state()) === JSON.stringify(expected) || undefined);
      assert.equal(new URL(page.url()).hash, name === 'Jobs' ? '#/' : '#/runs');
    };
    await tabs.first().focus();
    await press('ArrowRight', 'Runs');
    await waitForText(page.getByRole('tabpanel', { name: 'Runs' }), /No runs yet/);
    await press('ArrowRight', 'Jobs'); // round to the first
    await waitForText(page.getByRole('tabpanel', { name: /Jobs/ }), /job-5\.zip/);
    await press('End', 'Runs');
    await press('Home', 'Jobs');
    await press('ArrowLeft', 'Runs');
    // Tab from the selected tab goes to its panel (here "No runs yet": nothing in it takes the focus), not to the other tab.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!(globalThis as any).document.activeElement?.closest('[role="tabpanel"]')));
  });
});
