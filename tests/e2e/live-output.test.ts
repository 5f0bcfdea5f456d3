/**
 * A running job's page in real Chromium, against a real coordinator and worker: the page subscribes
 * to the job's output once, so the WebSocket carries about the output's own size, not a re-sent copy
 * of everything printed so far on every clock tick and every message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { jobStatus, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { startCli, type CliProcess } from '../helpers/processes.ts';

const LINES = 100;
const LINE_BYTES = 2000;
const WATCH_MS = 10_000;
// 100 numbered lines of 2,000 bytes (200 KB), one every ~100 ms: the page re-renders all along.
const SCRIPT = `i=0\nwhile [ $i -lt ${LINES} ]; do\n  printf '%04d%0${LINE_BYTES - 5}d\\n' "$i" 0\n  sleep 0.1\n  i=$((i+1))\ndone\n`;

describe('live output in Chromium', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  let browser: Browser;

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    worker = startCli(
      ['worker', '--server', c.url, '--id', 'lab-pc-01', '--name', 'lab-pc-01', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('sends an open job page about the output once (at most 1.5 x its size), not once per render', async (tc) => {
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(c.url);
    await login.getByLabel('Admin token').fill(c.tokens.adminToken);
    await login.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(login.getByTestId('connection'), /Live/);

    const jobId = await submitZip(t, [{ name: 'loop.sh', content: SCRIPT }], 'sh loop.sh');
    await waitForJob(t, jobId, (j) => j.status === 'running' && /^0000/m.test(j.stdout), 20_000);

    const page = await context.newPage(); // same browser session: the token is not asked again
    let frameBytes = 0;
    let outputChars = 0;
    let subscribes = 0;
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const m = JSON.parse(String(payload)) as { type: string; jobId?: string; data?: string; stdout?: string; stderr?: string };
        if (m.jobId !== jobId || (m.type !== 'output' && m.type !== 'job-output')) return;
        frameBytes += Buffer.byteLength(String(payload));
        outputChars += m.type === 'output' ? m.data!.length : m.stdout!.length + m.stderr!.length;
      });
      ws.on('framesent', ({ payload }) => {
        const m = JSON.parse(String(payload)) as { type: string; jobId: string };
        if (m.type === 'subscribe' && m.jobId === jobId) subscribes++;
      });
    });
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForText(page.getByTestId('output'), /^0000/m);
    await new Promise((r) => setTimeout(r, WATCH_MS));
    const seen = await jobStatus(t, jobId);
    const printed = seen.stdout.length + seen.stderr.length;
    await new Promise((r) => setTimeout(r, 500)); // what was stored by now has reached the page
    await page.close();
    await context.close();

    const done = await waitForJob(t, jobId);
    const total = Buffer.byteLength(done.stdout + done.stderr);
    assert.equal(done.status, 'completed');
    assert.ok(total >= LINES * LINE_BYTES, `the job printed ${total} bytes`);
    tc.diagnostic(
      `job output ${total} bytes; page received ${frameBytes} bytes of output frames (${(frameBytes / total).toFixed(2)} x), ${outputChars} of the ${printed} characters printed while it watched; ${subscribes} subscribe(s)`,
    );
    assert.ok(outputChars >= 0.9 * printed, `the page received ${outputChars} of the ${printed} characters printed while it was open`);
    assert.ok(frameBytes <= 1.5 * total, `the page received ${frameBytes} bytes of output frames for ${total} bytes of output`);
    assert.equal(subscribes, 1, 'one subscription for the life of the page (no reconnect happened)');
  });
});
