/**
 * Runs on the dashboard in real Chromium, against a real coordinator and three real worker processes
 * with tags: tags edited by the admin, a broadcast from the form (confirmed, then tiles reaching passed,
 * the summary, identical outputs, the CSV export), a run on the PCs with a tag, a map run from dropped
 * zips (one tile per zip, scores, a diff of the differing outputs, re-run failed, the runs list), and
 * 30 tiles fitting 1280×800. Writes the run-page screenshot.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, logIn, SCREENSHOTS_DIR, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { parseCsv } from '../helpers/csv.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip } from '../helpers/zip.ts';

const SHOTS = SCREENSHOTS_DIR;

/** A project whose check prints its result and a score, and exits with `exit`. */
function checkScript(passed: number, exit = 0): string {
  return `echo "running 10 tests"\necho "tests passed: ${passed}/10"\necho "Score: ${passed * 10}"\nexit ${exit}\n`;
}

describe('runs on the dashboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const workers: CliProcess[] = [];

  const startWorker = (id: string, tags: string) =>
    startCli(['worker', '--server', c.url, '--id', id, '--name', id, '--tags', tags, '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });

  /** The run page's tiles by state, e.g. { passed: 3 }. */
  const tileStates = async (): Promise<Record<string, number>> => {
    const states = await page.locator('[data-testid="run-tiles"] > li').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-status')));
    const counts: Record<string, number> = {};
    for (const s of states) counts[s!] = (counts[s!] ?? 0) + 1;
    return counts;
  };
  const waitForTiles = (what: string, test: (counts: Record<string, number>) => boolean) =>
    waitFor(what, async () => (test(await tileStates()) ? true : undefined), 60_000, 100);
  const tileNames = () => page.locator('[data-testid="run-tiles"] .tile-text').allTextContents();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    c = await startTestCoordinator({ offlineAfterSeconds: 3 });
    workers.push(startWorker('lab-pc-01', 'room-a'), startWorker('lab-pc-02', 'room-b,gpu'), startWorker('lab-pc-03', 'room-b'));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    await logIn(page, c.url, c.tokens.adminToken);
    for (const id of ['lab-pc-01', 'lab-pc-02', 'lab-pc-03']) await waitForText(page.locator(`[data-worker="${id}"]`), /Idle/, 20_000);
  });

  after(async () => {
    await browser?.close();
    for (const w of workers) await w.kill('SIGKILL');
    await c?.close();
  });

  it("shows each worker's tags as chips, and the admin edits them (a bad tag is refused with a sentence)", async () => {
    const row = page.locator('[data-worker="lab-pc-01"]');
    assert.deepEqual(await row.locator('.tag').allTextContents(), ['room-a']);
    assert.deepEqual((await page.locator('[data-worker="lab-pc-02"] .tag').allTextContents()).sort(), ['gpu', 'room-b']);
    await page.getByRole('button', { name: 'Edit the tags of lab-pc-01' }).click();
    const field = page.getByLabel('Tags of lab-pc-01, separated by commas');
    await field.fill('room a');
    await row.getByRole('button', { name: 'Save' }).click();
    await waitForText(row.getByRole('alert'), /"room a" is not a tag: use letters, digits/);
    await field.fill('room-a, teacher');
    await row.getByRole('button', { name: 'Save' }).click();
    await waitFor('the new chips', async () => ((await row.locator('.tag').allTextContents()).sort().join(',') === 'room-a,teacher' ? true : undefined));
    const saved = (await c.api('GET', '/api/workers/register')).body.workers.find((w: any) => w.workerId === 'lab-pc-01');
    assert.deepEqual(saved.tags.sort(), ['room-a', 'teacher']);
  });

  it('broadcasts to every PC from the form: the dialog names 3 PCs, the tiles reach passed, 3/3, identical outputs, a CSV of 3 rows', async () => {
    await page.getByLabel(/^Commands/).fill('echo ok from every PC');
    await page.getByRole('radio', { name: /^Every PC/ }).check();
    await page.getByRole('button', { name: 'Run on 3 PCs' }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog.getByRole('heading'), /^Run on 3 PCs\?$/);
    assert.equal(await dialog.getByTestId('confirm-offline').textContent(), 'All 3 are online and free: they start at once.');
    await dialog.getByRole('button', { name: 'Run on 3 PCs' }).click();
    await page.waitForURL(/#\/runs\/run-/);

    await waitForTiles('3 passed tiles', (n) => n.passed === 3);
    assert.deepEqual((await tileNames()).sort(), ['lab-pc-01', 'lab-pc-02', 'lab-pc-03'], 'one tile per PC, named by its hostname');
    assert.match(await waitForText(page.getByTestId('run-summary'), /3\/3 passed/), /^3\/3 passed$/);
    assert.match((await page.locator('h1').textContent()) ?? '', /On every PC/);
    await waitForText(page.getByTestId('run-groups-summary'), /^3 identical · none differ$/);
    await waitForText(page.getByTestId('group-output'), /ok from every PC/);
    assert.equal(await page.getByRole('button', { name: 'Cancel run' }).count(), 0, 'nothing left to cancel');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^run-.*\.csv$/);
    const rows = parseCsv(readFileSync(await download.path(), 'utf8').trim());
    assert.equal(rows.length, 1 + 3, 'a header and one row per PC');
    assert.deepEqual(rows[0]!.slice(0, 5), ['filename', 'workerId', 'hostname', 'status', 'exitCode']);
    for (const id of ['lab-pc-01', 'lab-pc-02', 'lab-pc-03'])
      assert.ok(
        rows.some((r) => r[1] === id && r[2] === id && r[3] === 'completed' && r[4] === '0'),
        `${id}'s row`,
      );

    // A tile opens its job's page, which links back to the run and says where the job was meant to run.
    const runUrl = page.url();
    await page.locator('[data-testid="run-tiles"] a', { hasText: 'lab-pc-02' }).click();
    await page.waitForURL(/#\/jobs\/job-/);
    await waitForText(page.getByTestId('job-target'), /^lab-pc-02$/);
    assert.equal(await page.getByTestId('job-run').getAttribute('href'), `#/runs/${runUrl.split('#/runs/')[1]}`);
  });

  it('runs on the PCs with a tag: the picker counts them, and only they get a job, in the shell chosen', async () => {
    await page.goto(`${c.url}/#/`);
    await page.getByLabel(/^Commands/).fill('echo tagged');
    await page.getByTestId('shell-select').selectOption('sh');
    await page.getByRole('radio', { name: /^PCs with tag/ }).check();
    await page.getByRole('button', { name: /^room-b/ }).click();
    await waitForText(page.getByTestId('run-on-matches'), /^Matches 2 PCs\.$/);
    await page.getByRole('button', { name: 'Run on 2 PCs' }).click();
    await waitForText(page.getByRole('dialog').getByRole('heading'), /^Run on 2 PCs\?$/);
    await page.getByRole('dialog').getByRole('button', { name: 'Run on 2 PCs' }).click();
    await page.waitForURL(/#\/runs\/run-/);
    await waitForTiles('2 passed tiles', (n) => n.passed === 2);
    assert.deepEqual((await tileNames()).sort(), ['lab-pc-02', 'lab-pc-03']);
    assert.match((await page.locator('h1').textContent()) ?? '', /On PCs tagged room-b/);
    const run = (await c.api('GET', `/api/runs/status?runId=${new URL(page.url()).hash.slice('#/runs/'.length)}`)).body;
    assert.equal(run.shell, 'sh');
    for (const job of run.jobs) assert.equal((await c.api('GET', `/api/jobs/status?jobId=${job.jobId}`)).body.shell, 'sh');
  });

  it('makes a map run from dropped zips: a tile per zip with its score, the differing outputs diffed, re-run failed, the runs list', async () => {
    await page.goto(`${c.url}/#/`);
    const projects: [string, string][] = [
      ['alice.zip', checkScript(10)],
      ['bob.zip', checkScript(10)],
      ['carol.zip', checkScript(10)],
      ['dave.zip', checkScript(7)],
      ['erin.zip', checkScript(0, 1)],
      ['frank.zip', checkScript(10)],
    ];
    const zips = await Promise.all(
      projects.map(async ([name, script]) => ({ name, b64: (await buildZip([{ name: 'check.sh', content: script }])).toString('base64') })),
    );
    // A real drop: a DataTransfer holding the files, as the browser builds it when zips are dragged in.
    const dataTransfer = await page.evaluateHandle((files) => {
      const g = globalThis as any;
      const transfer = new g.DataTransfer();
      for (const f of files)
        transfer.items.add(new g.File([Uint8Array.from(g.atob(f.b64), (ch: string) => ch.charCodeAt(0))], f.name, { type: 'application/zip' }));
      return transfer;
    }, zips);
    await page.getByTestId('zip-drop').dispatchEvent('drop', { dataTransfer });
    await waitForText(page.getByTestId('zip-list'), /6 zips/);
    assert.equal(await page.getByRole('radio', { name: /^Every PC/ }).isDisabled(), true, 'several zips go one per job, not to every PC');
    await page.getByLabel(/^Commands/).fill('sh check.sh');
    await page.getByLabel(/^Score pattern/).fill('Score: (\\d+)');
    await page.getByLabel(/^Name/).fill('Lab 3 - sorting');
    await page.getByRole('button', { name: 'Run 6 zips' }).click();
    await page.waitForURL(/#\/runs\/run-/);
    await waitForText(page.locator('main h1'), /^Lab 3 - sorting$/);

    await waitForTiles('6 ended tiles', (n) => (n.passed ?? 0) + (n.exit ?? 0) === 6);
    assert.deepEqual((await tileNames()).sort(), projects.map(([name]) => name).sort(), 'one tile per zip, named by it');
    await waitForText(page.getByTestId('run-summary'), /^5\/6 passed · 1 failed$/);
    assert.match((await page.locator('[data-job] a', { hasText: 'dave.zip' }).textContent()) ?? '', /score 70/);
    assert.match((await page.locator('[data-job] a', { hasText: 'erin.zip' }).textContent()) ?? '', /Failed \(exit 1\).*score 0/);
    // The job page shows the score too, and the Jobs list links each run's job to its run.
    const runPage = page.url();
    await page.locator('[data-job] a', { hasText: 'dave.zip' }).click();
    await waitForText(page.getByTestId('job-score'), /^70$/);
    await page.goto(`${c.url}/#/jobs`);
    const listed = page.locator('tr[data-job]', { hasText: 'dave.zip' }).getByTestId('job-run-link');
    assert.equal(await listed.first().getAttribute('href'), `#/runs/${runPage.split('#/runs/')[1]}`);
    await page.goto(runPage);
    await waitForText(page.getByTestId('run-groups-summary'), /^4 identical · 2 differ$/);
    await waitForText(page.getByTestId('group-output'), /tests passed: 10\/10\s+Score: 100/);

    await page.locator('.group-list li', { hasText: 'dave.zip' }).getByRole('button', { name: 'Compare' }).click();
    const diff = page.getByTestId('output-diff');
    await waitForText(diff, /only in dave\.zip/);
    const removed = await diff.locator('tr.diff-del .diff-text').allTextContents();
    const added = await diff.locator('tr.diff-add .diff-text').allTextContents();
    assert.deepEqual(removed, ['−tests passed: 10/10', '−Score: 100']);
    assert.deepEqual(added, ['+tests passed: 7/10', '+Score: 70']);
    await page.locator('.run-groups').scrollIntoViewIfNeeded();
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'run-page.png'), fullPage: true });

    // Re-run failed asks first (Cancel makes nothing), then makes a new run with only erin.zip, linked both ways.
    const first = page.url();
    const firstId = first.split('#/runs/')[1]!;
    await page.getByRole('button', { name: 'Re-run failed' }).click();
    await waitForText(page.getByTestId('confirm-rerun-text'), /A new run repeats them on the same PCs \(or zips\), linked to this one/);
    await page.locator('.confirm-rerun').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(page.url(), first);
    await page.getByRole('button', { name: 'Re-run failed' }).click();
    await page.getByRole('button', { name: 'Re-run 1 failed job' }).click();
    await page.waitForURL((url) => /#\/runs\/run-/.test(url.hash) && url.toString() !== first);
    await waitForTiles('the re-run ended', (n) => n.exit === 1);
    assert.deepEqual(await tileNames(), ['erin.zip']);
    const rerunId = page.url().split('#/runs/')[1]!;
    await waitForText(page.getByTestId('run-lineage'), new RegExp(`^Re-run of ${firstId}$`));
    assert.equal(await page.getByTestId('rerun-of').getAttribute('href'), `#/runs/${firstId}`);
    await waitForText(page.locator('main h1'), /^Lab 3 - sorting \(2\)$/);
    const rerunJob = await page.locator('[data-job]').first().getAttribute('data-job');
    await page.goto(first);
    await waitForText(page.getByTestId('run-lineage'), new RegExp(`^Re-run as ${rerunId} \\(each PC's or zip's latest result is shown below\\)$`));
    // The first run shows each zip's latest attempt: erin.zip's tile is its re-run's job, named with the PC it ran on.
    await waitForText(page.getByTestId('latest-choice'), /Latest results \(1 re-run\)/);
    const erin = page.locator('[data-job] a', { hasText: 'erin.zip' });
    assert.equal(await page.locator('[data-job]', { hasText: 'erin.zip' }).getAttribute('data-job'), rerunJob);
    assert.match((await erin.textContent()) ?? '', /re-run/);
    assert.match((await erin.getAttribute('title')) ?? '', /^erin\.zip on lab-pc-0\d: Failed \(exit 1\)$/);
    await page.getByTestId('latest-choice').getByRole('button', { name: "This run's attempts" }).click();
    await waitFor(
      'the first attempt shown',
      async () => (await page.locator('[data-job]', { hasText: 'erin.zip' }).getAttribute('data-job')) !== rerunJob || undefined,
      5000,
      50,
    );
    assert.doesNotMatch((await erin.textContent()) ?? '', /re-run/);
    // Renamed from its page; the CSV is named after it.
    await page.getByTestId('run-rename').click();
    await page.getByLabel('Name', { exact: true }).fill('Lab 3 final');
    await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await waitForText(page.locator('main h1'), /^Lab 3 final$/);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    assert.match((await download).suggestedFilename(), /^Lab 3 final \d{4}-\d\d-\d\d\.csv$/);

    // The runs list, newest first, with each run's summary.
    await page.goto(`${c.url}/#/runs`);
    await waitForText(page.getByTestId('runs'), /0\/1 passed · 1 failed/);
    const summaries = await page.locator('[data-testid="runs"] tbody tr td:first-child .small').allTextContents();
    assert.deepEqual(summaries, ['0/1 passed · 1 failed', '5/6 passed · 1 failed', '2/2 passed', '3/3 passed']);
    assert.deepEqual((await page.locator('[data-testid="runs"] tbody tr td:nth-child(2) strong').allTextContents()).slice(0, 2), [
      'Lab 3 - sorting (2)',
      'Lab 3 final',
    ]);
    await page.locator('[data-testid="runs"] tbody tr').nth(1).getByRole('link').click();
    await page.waitForURL(first);
  });

  it('fits the tiles of a 30-PC run in 1280×800 without scrolling, and says why their jobs wait', async () => {
    for (let i = 1; i <= 30; i++) await c.register(`lab-pc-${String(i + 10).padStart(2, '0')}`, { tags: ['room-c'] });
    const created = await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo hello', target: { tags: ['room-c'] } } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await page.goto(`${c.url}/#/runs/${created.body.runId}`);
    await waitForTiles('30 tiles', (n) => (n.pending ?? 0) + (n.waiting ?? 0) === 30);
    await waitForText(page.getByTestId('run-summary'), /^0\/30 passed · /);
    const fit = await page.evaluate(() => {
      const g = globalThis as any;
      const grid = g.document.querySelector('[data-testid="run-tiles"]').getBoundingClientRect();
      return {
        bottom: grid.bottom,
        right: grid.right,
        scrollHeight: g.document.documentElement.scrollHeight,
        innerHeight: g.innerHeight,
        innerWidth: g.innerWidth,
      };
    });
    assert.ok(fit.bottom <= 800, `the grid ends at ${fit.bottom}px`);
    assert.ok(fit.scrollHeight <= fit.innerHeight, `the page is ${fit.scrollHeight}px high in a ${fit.innerHeight}px window`);
    assert.ok(fit.right <= fit.innerWidth);

    // The registered PCs never heartbeat: they go offline, and their jobs say so.
    await waitForTiles('30 tiles waiting for offline PCs', (n) => n.waiting === 30);
    await waitForText(page.getByTestId('run-summary'), /30 waiting for offline PCs/);
    await page.locator('[data-testid="run-tiles"] a', { hasText: 'host-lab-pc-11' }).click();
    await waitForText(page.getByTestId('pending-hint'), /^Waiting for host-lab-pc-11, which is offline\..*If it has not started by/);
    const job = await c.api('POST', '/api/jobs/create', {
      body: { command: 'echo hi', fileUrl: 'http://127.0.0.1:9/p.zip', filename: 'p.zip', target: { tags: ['room-c'] } },
    });
    await page.goto(`${c.url}/#/jobs/${job.body.jobId}`);
    await waitForText(page.getByTestId('pending-hint'), /^No online worker has the tags room-c\.$/);

    await page.goto(`${c.url}/#/runs/${created.body.runId}`);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await waitForTiles('30 cancelled tiles', (n) => n.cancelled === 30);
    await waitForText(page.getByTestId('run-notice'), /^Cancelled 30 waiting jobs\.$/);

    // A broadcast to offline PCs says so before it is made, and nothing is made when it is called off.
    await page.goto(`${c.url}/#/`);
    await page.getByLabel(/^Commands/).fill('echo later');
    await page.getByRole('radio', { name: /^PCs with tag/ }).check();
    await page.getByRole('button', { name: /^room-c/ }).click();
    await page.getByRole('button', { name: 'Run on 30 PCs' }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog.getByRole('heading'), /^Run on 30 PCs\?$/);
    assert.equal(await dialog.getByTestId('confirm-offline').textContent(), '30 PCs are offline; their jobs wait up to 24 h.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await dialog.count(), 0);
    assert.equal((await c.api('GET', '/api/runs/create')).body.total, 5, 'no run was made');
  });
});
