/**
 * `--only=dashboard`: the dashboard at scale. 100,000 jobs written straight into the coordinator's
 * SQLite (the coordinator stopped, its own repositories on its data folder, then started again), 1,000
 * simulated workers (keep-alive clients in this process: register, long poll, heartbeat every 10 s),
 * and one Chromium page signed in with the admin token. It measures the first paint after sign-in and
 * after a reload with the session cookie, how soon a worker's change shows, the long tasks meanwhile,
 * and the live feed's bytes to the idle page.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/helpers/browser.ts';
import { CoordinatorEvents } from '../electron/core/coordinator/live/events.ts';
import { DATABASE_FILE } from '../electron/core/coordinator/server.ts';
import { Store } from '../electron/core/coordinator/state/store.ts';
import { JsonClient, percentile, round, startCoordinator, summarize, type BenchCoordinator } from './lib.ts';

const JOBS = 100_000;
const WORKERS = 1000;
const HEARTBEAT_MS = 10_000;
const IDLE_SECONDS = 10;
const CHANGE_SAMPLES = 10;
const PAINT_SAMPLES = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fills the store: 100,000 jobs a day old to now, all ended (most passed, some failed or cancelled), so the simulated workers stay idle. */
function fillStore(dataDir: string): void {
  const store = new Store({ file: join(dataDir, DATABASE_FILE), events: new CoordinatorEvents() });
  try {
    const end = store.db.prepare(
      'UPDATE jobs SET status = ?, exit_code = ?, worker_id = ?, started_at = ?, completed_at = ?, attempts = 1, ended_by = ? WHERE job_id = ?',
    );
    const start = Date.now() - 24 * 3600_000;
    store.db.transaction(() => {
      for (let i = 0; i < JOBS; i++) {
        const at = start + Math.floor((i * 24 * 3600_000) / JOBS);
        const jobId = store.jobs.insert({ command: `make test-${i % 50}`, fileUrl: '/uploads/bench.zip', filename: `project-${i % 500}.zip` }, at);
        const kind = i % 50;
        const worker = `sim-${String(i % WORKERS).padStart(4, '0')}`;
        if (kind === 0) end.run('cancelled', null, worker, at + 100, at + 500, 'coordinator', jobId);
        else end.run('completed', kind < 5 ? 1 : 0, worker, at + 100, at + 2000, 'worker', jobId);
      }
    });
  } finally {
    store.close();
  }
}

/** 1,000 simulated workers: registered, each long-polling and heartbeating every 10 s (phases spread over the 10 s). */
async function simulateFleet(api: JsonClient, c: BenchCoordinator): Promise<() => void> {
  let running = true;
  const tokens: string[] = [];
  for (let i = 0; i < WORKERS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, WORKERS - i) }, (_, k) => {
        const id = `sim-${String(i + k).padStart(4, '0')}`;
        return api.call('POST', '/api/workers/register', c.joinToken, { workerId: id, hostname: id });
      }),
    );
    tokens.push(...batch.map((r) => r.body.workerToken as string));
  }
  tokens.forEach((token, i) => {
    const id = `sim-${String(i).padStart(4, '0')}`;
    void (async () => {
      while (running) await api.call('GET', `/api/jobs/get-job?workerId=${id}&wait=30`, token).catch(() => sleep(100));
    })();
    void (async () => {
      await sleep(Math.random() * HEARTBEAT_MS);
      while (running) {
        await api.call('POST', '/api/workers/heartbeat', token, { workerId: id, jobId: null }).catch(() => null);
        await sleep(HEARTBEAT_MS);
      }
    })();
  });
  return () => {
    running = false;
  };
}

/** In the page before any script: every long task recorded (the Performance API's 'longtask' entries). */
function watchLongTasks(): void {
  const w = globalThis as any;
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push(e.duration);
  }).observe({ type: 'longtask' as any, buffered: true });
}

/** True once the workers list and the jobs list each show a row. */
const LISTS_SHOWN = () =>
  !!(globalThis as any).document.querySelector('[data-testid=workers] [data-worker]') &&
  !!(globalThis as any).document.querySelector('[data-testid=jobs] [data-job]');

/** From the click on "Open dashboard" to both lists showing rows, timed in the page. */
async function paintAfterSignIn(page: Page, c: BenchCoordinator): Promise<number> {
  await page.goto(c.url);
  await page.getByRole('button', { name: 'Use the admin token' }).click();
  await page.getByLabel('Admin token').fill(c.adminToken);
  const button = page.getByRole('button', { name: 'Open dashboard' });
  await button.evaluate((b) => b.addEventListener('click', () => ((globalThis as any).__submitAt = performance.now()), { capture: true, once: true }));
  await button.click();
  const shown = await page.waitForFunction(LISTS_SHOWN, undefined, { polling: 'raf', timeout: 30_000 });
  await shown.dispose();
  return page.evaluate(() => performance.now() - (globalThis as any).__submitAt);
}

/** From navigation (the page's time origin) with the session cookie to both lists showing rows. */
async function paintOnLoad(page: Page, c: BenchCoordinator): Promise<number> {
  await page.goto(c.url);
  await page.waitForFunction(LISTS_SHOWN, undefined, { polling: 'raf', timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

/** Pauses and resumes the first worker through the API; each time, from the request to its row's new status in the page. */
async function changeVisible(page: Page, api: JsonClient, c: BenchCoordinator): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < CHANGE_SAMPLES; i++) {
    const paused = i % 2 === 0;
    const want = paused ? 'paused' : 'idle';
    // The observer is in place (and the row not yet changed) before the request goes.
    await page.evaluate((want) => {
      const g = globalThis as any;
      const done = () => g.document.querySelector(`[data-worker="sim-0000"][data-status="${want}"]`);
      g.__changed = new Promise<number>((resolve) => {
        const observer = new g.MutationObserver(() => {
          if (!done()) return;
          observer.disconnect();
          resolve(Date.now());
        });
        observer.observe(g.document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      });
    }, want);
    const sent = Date.now();
    const res = await api.call('POST', '/api/workers/pause', c.adminToken, { workerId: 'sim-0000', paused });
    if (res.status !== 200) throw new Error(`pause: ${res.status}`);
    samples.push((await page.evaluate(() => (globalThis as any).__changed as Promise<number>)) - sent);
    await sleep(300 + Math.random() * 300);
  }
  return samples;
}

/** WebSocket bytes the idle page receives per second (frames' payloads), over IDLE_SECONDS. */
async function idleBytesPerSecond(page: Page): Promise<number> {
  let bytes = 0;
  const count = ({ payload }: { payload: string | Buffer }) => (bytes += Buffer.byteLength(payload));
  const sockets: { off: (e: 'framereceived', f: typeof count) => void }[] = [];
  // The page's socket is open already: reload so the listener sees it, then let the snapshot pass.
  page.on('websocket', (ws) => {
    ws.on('framereceived', count);
    sockets.push(ws);
  });
  await page.reload();
  await page.waitForFunction(LISTS_SHOWN, undefined, { timeout: 30_000 });
  await sleep(2000);
  bytes = 0;
  const t0 = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const perSecond = bytes / ((performance.now() - t0) / 1000);
  for (const ws of sockets) ws.off('framereceived', count);
  return perSecond;
}

export async function benchDashboard(log: (m: string) => void): Promise<Record<string, unknown>> {
  const t = performance.now();
  const first = await startCoordinator();
  const dataDir = first.dataDir;
  const exited = new Promise((r) => first.proc.once('exit', r));
  first.proc.kill('SIGKILL');
  await exited;
  fillStore(dataDir);
  log(`dashboard: ${JOBS} jobs written in ${Math.round(performance.now() - t)} ms`);
  const c = await startCoordinator([], dataDir);
  const api = new JsonClient(c.url);
  const stopFleet = await simulateFleet(api, c);
  log(`dashboard: ${WORKERS} workers registered and heartbeating (${Math.round(performance.now() - t)} ms in)`);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const signIn: number[] = [];
    const load: number[] = [];
    const longTasks: number[] = [];
    let change: number[] = [];
    let idle = 0;
    for (let i = 0; i < PAINT_SAMPLES; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addInitScript(watchLongTasks);
      const page = await context.newPage();
      signIn.push(await paintAfterSignIn(page, c));
      const again = await context.newPage();
      load.push(await paintOnLoad(again, c));
      await again.close();
      await page.bringToFront(); // the page measured next is the one in front, as a teacher's would be
      const tasks = () => page.evaluate(() => (globalThis as any).__longTasks as number[]);
      if (i === PAINT_SAMPLES - 1) {
        change = await changeVisible(page, api, c);
        longTasks.push(...(await tasks()));
        idle = await idleBytesPerSecond(page); // a reload: its document's long tasks are counted after it
      }
      longTasks.push(...(await tasks()));
      await context.close();
    }
    const r = {
      jobs: JOBS,
      workers: WORKERS,
      first_paint_sign_in_ms: summarize(signIn),
      first_paint_reload_ms: summarize(load),
      change_visible_p50_ms: round(percentile(change, 50)),
      change_visible_p95_ms: round(percentile(change, 95)),
      change_visible_ms: summarize(change),
      long_task_max_ms: round(Math.max(0, ...longTasks)),
      long_tasks_over_100ms: longTasks.filter((d) => d > 100).length,
      idle_ws_kb_per_s: round(idle / 1000),
    };
    log(`dashboard: ${JSON.stringify(r)}`);
    return r;
  } catch (e) {
    log(
      `dashboard: failed (coordinator exit code ${c.proc.exitCode}, signal ${c.proc.signalCode}): ${(e as Error).message}; last lines ${JSON.stringify(c.logs.slice(-4)).slice(0, 3000)}`,
    );
    throw e;
  } finally {
    stopFleet();
    await browser?.close();
    api.close();
    await c.stop();
  }
}
