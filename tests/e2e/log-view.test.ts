/**
 * A job's log on its dashboard page in real Chromium, against a real coordinator and worker: stdout and
 * stderr interleaved in the order read, stderr in red, `\r` redraws, 256 colours, a header never glued
 * to unterminated output, find with a count, the download equal to the log endpoint's text, and an
 * oversize zip refused before it is sent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, logIn, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { screenLines, textColor, waitForScreen } from '../helpers/log-screen.ts';
import { startCli, type CliProcess } from '../helpers/processes.ts';

// Sleeps between the writes, so the worker reads each pipe's line before the other's next one.
const INTERLEAVE = 'for i in 1 2 3; do\n  echo line $i\n  sleep 0.2\n  echo err $i >&2\n  sleep 0.2\ndone\n';
const PROGRESS = "printf 'progress 10%%\\rprogress 50%%\\rprogress 100%%\\n'\n";
const PALETTE = "printf '\\033[38;5;33mblue\\033[0m\\n'\n";
const TICKS = 'i=1\nwhile [ $i -le 20 ]; do\n  echo tick $i\n  sleep 0.4\n  i=$((i+1))\ndone\n';

/** The theme's default foreground and its red (stderr's default), as computed colours. */
const FOREGROUND = 'rgb(226, 232, 240)';
const RED = 'rgb(248, 113, 113)';

describe('job log viewer in Chromium', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let jobId: string;
  const dataDir = tempDir();

  before(async () => {
    // 1 MB uploads at most, so the dashboard's own check can be seen refusing a bigger zip.
    c = await startTestCoordinator({ dataDir, maxUploadMb: 1 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
    worker = startCli(
      ['worker', '--server', c.url, '--id', 'lab-pc-01', '--name', 'lab-pc-01', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
    );
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    await logIn(page, c.url, c.tokens.adminToken);
    jobId = await submitZip(
      t,
      [
        { name: 'interleave.sh', content: INTERLEAVE },
        { name: 'progress.sh', content: PROGRESS },
        { name: 'palette.sh', content: PALETTE },
      ],
      "sh interleave.sh\nsh progress.sh\nsh palette.sh\nprintf 'no newline'\necho second",
    );
    assert.equal((await waitForJob(t, jobId)).status, 'completed');
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForScreen(page, (lines) => lines.includes('second'));
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  /** The rows on screen that are output, not a command's `$ ` header. */
  const output = async () => (await screenLines(page)).filter((l) => l && !l.startsWith('$ '));

  it('shows stdout and stderr interleaved in the order the worker read them', async () => {
    const lines = await output();
    const ordered = lines.filter((l) => /^(line|err) \d$/.test(l));
    assert.deepEqual(ordered, ['line 1', 'err 1', 'line 2', 'err 2', 'line 3', 'err 3']);
  });

  it('tells stderr apart: red by default, where stdout has the normal colour', async () => {
    assert.equal(await textColor(page, 'line 2'), FOREGROUND);
    assert.equal(await textColor(page, 'err 2'), RED);
  });

  it('shows a line redrawn with \\r in its final state only', async () => {
    const lines = await output();
    assert.ok(lines.includes('progress 100%'), lines.join('\n'));
    assert.ok(!lines.some((l) => /progress (10|50)%/.test(l)), 'the earlier states were overwritten');
  });

  it('renders 256-colour output in its palette colour (33 = rgb(0, 135, 255))', async () => {
    assert.equal(await textColor(page, 'blue'), 'rgb(0, 135, 255)');
  });

  it("starts the next command's header on its own line after output without a newline", async () => {
    const lines = (await screenLines(page)).filter((l) => l);
    const at = lines.indexOf('no newline');
    assert.ok(at >= 0, `"no newline" is a row of its own: ${lines.join(' | ')}`);
    assert.equal(lines[at + 1], '$ echo second');
    assert.equal(lines[at + 2], 'second');
  });

  it("a job cannot fake its verdict: it may move the log's cursor, but the badge, exit code and page title come from the job", async () => {
    const title = await page.title();
    const faker = await submitZip(
      t,
      [
        {
          name: 'fake.sh',
          content:
            "printf 'FAIL: 3 tests\\n\\033[1A\\033[2K\\033[2J\\033[H\\033[32mPASSED exit code 0\\033[0m\\n\\033]0;All passed\\007\\033]52;c;ZXZpbA==\\007'\nexit 1\n",
        },
      ],
      'sh fake.sh',
    );
    assert.equal((await waitForJob(t, faker)).exitCode, 1);
    await page.goto(`${c.url}/#/jobs/${faker}`);
    await waitForScreen(page, (lines) => lines.some((l) => l.includes('PASSED exit code 0')));
    // The log and the job record load apart: wait for the record (the log may be on screen first), then check what it says.
    await waitForText(page.getByTestId('exit-code'), /^1$/);
    assert.equal(await page.locator('.job-head [data-status]').getAttribute('data-status'), 'completed');
    assert.match((await page.locator('.job-head .badge').first().textContent()) ?? '', /Failed \(exit 1\)/);
    assert.equal(await page.title(), title, 'OSC 0 does not retitle the dashboard');
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForScreen(page, (lines) => lines.includes('second'));
  });

  it('finds text in the log and counts the matches', async () => {
    await page.getByTestId('log-search').fill('err ');
    await waitForText(page.getByTestId('log-matches'), /^[1-3] of 3$/);
    await page.getByTestId('log-search').fill('');
  });

  it("downloads the whole log, the same text as the endpoint's format=text", async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-download').click()]);
    const saved = readFileSync(await download.path(), 'utf8');
    const res = await fetch(`${c.url}/api/jobs/log?jobId=${jobId}&format=text`, { headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(saved, text);
    assert.match(text, /line 1\n[^]*err 3\n/);
    assert.match(download.suggestedFilename(), /\.log$/);
  });

  it('shows [HH:MM:SS.mmm] before each line when Timestamps is on', async () => {
    await page.getByTestId('log-timestamps').click();
    const lines = await waitForScreen(page, (l) => l.some((x) => /^\[\d\d:\d\d:\d\d\.\d{3}\] second$/.test(x)));
    assert.ok(
      lines.filter((l) => l).every((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] /.test(l)),
      lines.filter((l) => l).join('\n'),
    );
    await page.getByTestId('log-timestamps').click();
    await waitForScreen(page, (l) => l.includes('second'));
  });

  it("says what the order promises when asked, on the legend's line, also on a phone", async () => {
    const toggle = page.getByTestId('log-order-toggle');
    const note = page.getByTestId('log-order');
    assert.equal(await note.isVisible(), false);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await note.waitFor({ state: 'visible' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const text = (await note.textContent()) ?? '';
    assert.match(text, /stdout and stderr each keep their own order/);
    assert.match(text, /stdout is often buffered when it is not a terminal, stderr is not/);
    assert.match(text, /A timestamp is when the worker read the line/);
    await toggle.press('Enter');
    await note.waitFor({ state: 'hidden' });
    // A phone: the toggle shares the legend's line, so the log starts no lower than without it.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const legend = (await page.locator('.log-toolbar .legend').boundingBox())!;
      const about = (await toggle.boundingBox())!;
      assert.ok(Math.abs(about.y + about.height / 2 - (legend.y + legend.height / 2)) < legend.height, `${JSON.stringify({ legend, about })}`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('follows a running job live and ends with its last line', async () => {
    const running = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo first\nsleep 1\necho middle >&2\nsleep 1\necho last');
    await page.goto(`${c.url}/#/jobs/${running}`);
    await waitForScreen(page, (l) => l.includes('first'));
    await waitForScreen(page, (l) => l.includes('last'));
    assert.equal(await textColor(page, 'middle'), RED);
    const lines = (await screenLines(page)).filter((l) => l);
    assert.deepEqual(
      lines.filter((l) => !l.startsWith('$ ')),
      ['first', 'middle', 'last'],
    );
  });

  it('after a coordinator restart subscribes again after the last seq it shows: nothing twice, nothing missed', async () => {
    const ticking = await submitZip(t, [{ name: 'tick.sh', content: TICKS }], 'sh tick.sh');
    const watch = await context.newPage();
    const subscribes: number[] = [];
    const received = new Set<number>();
    let duplicates = 0;
    const take = (chunks: { seq: number }[]) => {
      for (const { seq } of chunks) {
        if (received.has(seq)) duplicates++;
        received.add(seq);
      }
    };
    watch.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) => {
        const m = JSON.parse(String(payload));
        if (m.type === 'subscribe' && m.jobId === ticking) subscribes.push(m.after);
      });
      ws.on('framereceived', ({ payload }) => {
        const m = JSON.parse(String(payload));
        if (m.type === 'log' && m.jobId === ticking) take(m.chunks);
      });
    });
    watch.on('response', async (res) => {
      if (res.url().includes('/api/jobs/log?') && res.url().includes(ticking)) take((await res.json()).chunks);
    });
    await watch.goto(`${c.url}/#/jobs/${ticking}`);
    await waitForScreen(watch, (l) => l.includes('tick 3'));
    const port = c.port;
    await c.stop();
    await waitForText(watch.getByTestId('connection'), /Reconnecting/);
    const shownBefore = Math.max(...received);
    c = await startTestCoordinator({ dataDir, port, maxUploadMb: 1 });
    await waitForText(watch.getByTestId('connection'), /Live/, 20_000);
    await waitForScreen(watch, (l) => l.includes('tick 20'), 40_000);
    const ticks = (await screenLines(watch)).filter((l) => l.startsWith('tick '));
    assert.deepEqual(
      ticks,
      Array.from({ length: 20 }, (_, i) => `tick ${i + 1}`),
      'every tick once, in order',
    );
    assert.deepEqual(subscribes, [subscribes[0], shownBefore], 'subscribed again after the last seq the page had');
    assert.equal(duplicates, 0, 'nothing the page had was sent again');
    await watch.close();
  });

  it('opens a finished 1,000,000-line job on its tail, from one page of the log', async (tc) => {
    const big = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'seq 1 1000000');
    assert.equal((await waitForJob(t, big, undefined, 120_000)).status, 'completed');
    const watch = await context.newPage();
    const pages: string[] = [];
    watch.on('request', (r) => r.url().includes('/api/jobs/log?') && pages.push(new URL(r.url()).search));
    const started = Date.now();
    await watch.goto(`${c.url}/#/jobs/${big}`);
    await waitForScreen(watch, (l) => l.includes('1000000'), 30_000);
    tc.diagnostic(`the last of 1,000,000 lines was on screen ${Date.now() - started} ms after the job page was opened`);
    const lines = (await screenLines(watch)).filter((l) => l);
    assert.equal(lines.at(-1), '1000000');
    assert.equal(pages.length, 1, `one page of the log was read: ${pages.join(', ')}`);
    assert.match(pages[0]!, /before=end/);
    await watch.close();
  });

  it('refuses a zip over the coordinator limit before sending it, and says what to do', async () => {
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/execute') && posts.push(r.url()));
    await page.goto(`${c.url}/#/`);
    await waitForText(page.getByTestId('connection'), /Live/);
    const big = Buffer.alloc(1.5 * 1024 * 1024, 7);
    await page.getByTestId('zip-input').setInputFiles({ name: 'project.zip', mimeType: 'application/zip', buffer: big });
    const sentence = /project\.zip is 1\.5 MB; this coordinator accepts zips up to 1 MB \(--max-upload-mb\)\. Remove build outputs or node_modules/;
    await waitForText(page.getByRole('alert'), sentence);
    await page.getByLabel(/^Commands/).fill('echo never');
    await page.getByRole('button', { name: 'Run on a worker' }).click();
    await waitForText(page.getByRole('alert'), sentence);
    await page.waitForTimeout(500);
    assert.deepEqual(posts, [], 'no upload was sent');
  });
});
