/**
 * A running job's page in real Chromium, against a real coordinator and worker: the page reads the
 * log's tail over HTTP once, then subscribes to the job's log once after its last seq, so what it
 * receives is about the output's own size, not a re-sent copy of everything printed so far on every
 * clock tick and every message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, useAdminToken, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { waitForScreen } from '../helpers/log-screen.ts';
import { submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { waitFor } from '../helpers/processes.ts';
import { startCli, type CliProcess } from '../helpers/processes.ts';

interface Chunk {
  seq: number;
  data: string;
}

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

  /** The job's whole log as stored now (the endpoint's text download). */
  async function logText(jobId: string): Promise<string> {
    const res = await fetch(`${c.url}/api/jobs/log?jobId=${jobId}&format=text`, { headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    return res.text();
  }

  it('sends an open job page about the output once (at most 1.5 x its size), not once per render', async (tc) => {
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(c.url);
    await useAdminToken(login);
    await login.getByLabel('Admin token').fill(c.tokens.adminToken);
    await login.getByRole('button', { name: 'Open dashboard' }).click();
    await waitForText(login.getByTestId('connection'), /Live/);

    const jobId = await submitZip(t, [{ name: 'loop.sh', content: SCRIPT }], 'sh loop.sh');
    await waitFor('the first line', async () => /^0000/m.test(await logText(jobId)) || undefined, 20_000);

    const page = await context.newPage(); // same browser: its session cookie signs it in
    let receivedBytes = 0;
    const received = new Map<number, number>(); // seq -> characters, each chunk counted once
    let duplicates = 0;
    let subscribes = 0;
    let pages = 0;
    const take = (chunks: Chunk[]) => {
      for (const chunk of chunks) {
        if (received.has(chunk.seq)) duplicates++;
        received.set(chunk.seq, chunk.data.length);
      }
    };
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const m = JSON.parse(String(payload)) as { type: string; jobId?: string; chunks?: Chunk[] };
        if (m.jobId !== jobId || m.type !== 'log') return;
        receivedBytes += Buffer.byteLength(String(payload));
        take(m.chunks!);
      });
      ws.on('framesent', ({ payload }) => {
        const m = JSON.parse(String(payload)) as { type: string; jobId: string };
        if (m.type === 'subscribe' && m.jobId === jobId) subscribes++;
      });
    });
    page.on('response', async (res) => {
      if (!res.url().includes('/api/jobs/log?')) return;
      const body = await res.body();
      receivedBytes += body.length;
      pages++;
      take((JSON.parse(body.toString()) as { chunks: Chunk[] }).chunks);
    });
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await waitForScreen(page, (lines) => lines.some((l) => /^\d{4}0{20}/.test(l)));
    await new Promise((r) => setTimeout(r, WATCH_MS));
    const printed = (await logText(jobId)).length;
    await new Promise((r) => setTimeout(r, 500)); // what was stored by now has reached the page
    await page.close();
    await context.close();

    const done = await waitForJob(t, jobId);
    const total = Buffer.byteLength(await logText(jobId));
    const chars = [...received.values()].reduce((a, b) => a + b, 0);
    assert.equal(done.status, 'completed');
    assert.ok(total >= LINES * LINE_BYTES, `the job printed ${total} bytes`);
    tc.diagnostic(
      `job output ${total} bytes; page received ${receivedBytes} bytes of log pages and frames (${(receivedBytes / total).toFixed(2)} x), ${chars} of the ${printed} characters printed while it watched; ${pages} page(s) over HTTP, ${subscribes} subscribe(s), ${duplicates} chunk(s) received twice`,
    );
    assert.ok(chars >= 0.9 * printed, `the page received ${chars} of the ${printed} characters printed while it was open`);
    assert.ok(receivedBytes <= 1.5 * total, `the page received ${receivedBytes} bytes of log for ${total} bytes of output`);
    assert.equal(pages, 1, 'the tail was read once over HTTP');
    assert.equal(subscribes, 1, 'one subscription for the life of the page (no reconnect happened)');
    assert.equal(duplicates, 0, 'the feed sent nothing the tail had already given');
  });
});
