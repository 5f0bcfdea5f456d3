/**
 * Boots the built main-process bundle (dist/electron/main) under plain Node with a fake `electron`
 * module (resolved by a loader hook, so the real package is never loaded), against a real coordinator.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { startTestCoordinator, tempDir } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { waitFor } from '../helpers/processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface App {
  proc: ChildProcess;
  events: any[];
  send(command: unknown): void;
  waitFor(test: (e: any) => boolean, what: string, timeoutMs?: number): Promise<any>;
  exited: Promise<number | null>;
}

function startApp(args: string[]): App {
  const userData = tempDir('cmdx-app-');
  const proc = spawn(process.execPath, ['--import', './tests/fakes/register-electron.mjs', 'dist/electron/main/index.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, FAKE_ELECTRON_USER_DATA: userData },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: any[] = [];
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  createInterface({ input: proc.stdout }).on('line', (line) => {
    try {
      const e = JSON.parse(line);
      if (e.fake) events.push(e);
    } catch {
      events.push({ log: line });
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return {
    proc,
    events,
    exited,
    send: (command) => proc.stdin.write(JSON.stringify(command) + '\n'),
    waitFor: (test, what, timeoutMs = 20_000) =>
      waitFor(what, () => events.find(test), timeoutMs).catch((e: Error) => {
        throw new Error(`${e.message}\nevents: ${JSON.stringify(events.slice(-15))}\nstderr: ${stderr.slice(-1500)}`);
      }),
  };
}

describe('the desktop app main process (built bundle, fake electron)', () => {
  it('worker mode registers, the tray goes busy during a real job and back to idle, tells the user at the PC, and Pause stops new jobs', async () => {
    const c = await startTestCoordinator();
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const app = startApp(['--mode', 'worker', '--server', c.url, '--join-token', c.tokens.joinToken, '--hidden']);
    try {
      const win = await app.waitFor((e) => e.kind === 'window', 'the window');
      assert.equal(win.show, false, '--hidden starts without showing the window');
      // The token came in on the command line: the app started again without it, so no program on the PC can read it there.
      assert.ok(app.events.some((e) => e.kind === 'relaunch' && !e.args.includes(c.tokens.joinToken)));
      assert.ok(!readFileSync(`/proc/${app.proc.pid}/cmdline`, 'utf8').includes(c.tokens.joinToken), 'the token is not in the argv');
      assert.deepEqual(
        { ...win.webPreferences, preload: undefined },
        { preload: undefined, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
      );
      await app.waitFor((e) => e.kind === 'tray-image' && e.image === 'tray-idle.png', 'the idle tray icon');
      const workers = (await c.api('GET', '/api/workers/register')).body.workers;
      assert.equal(workers.length, 1, 'the app registered its worker');
      assert.match((await app.waitFor((e) => e.kind === 'load', 'the page')).url, /^file:.*dist\/renderer\/index\.html#\/worker$/);

      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo in the app\nsleep 1');
      await app.waitFor((e) => e.kind === 'tray-image' && e.image === 'tray-busy.png', 'the busy tray icon');
      await app.waitFor((e) => e.kind === 'tray-tooltip' && e.text.includes(jobId), 'the job in the tooltip');
      // powerMonitor says the keyboard was just used: somebody is at the PC, and the default policy has notices on.
      const notice = await app.waitFor((e) => e.kind === 'notification', 'the notice for the PC user');
      assert.equal(notice.body, 'CMD Executor is running a job for the lab: echo in the app');
      const done = await waitForJob(t, jobId);
      assert.equal(done.status, 'completed');
      assert.match(done.stdout, /in the app/);
      const busyAt = app.events.findIndex((e) => e.kind === 'tray-image' && e.image === 'tray-busy.png');
      await app.waitFor((e) => app.events.indexOf(e) > busyAt && e.kind === 'tray-image' && e.image === 'tray-idle.png', 'idle again');

      app.send({ click: 'Pause' });
      await app.waitFor((e) => e.kind === 'tray-image' && e.image === 'tray-paused.png', 'the paused tray icon');
      await app.waitFor((e) => e.kind === 'tray-tooltip' && /^CMD Executor worker: Paused by you at \d\d:\d\d\nLab policy: /.test(e.text), 'who paused, when');
      await waitFor('the coordinator to see the pause', async () => (await c.api('GET', '/api/workers/register')).body.workers[0].paused || undefined, 10_000);
      const waiting = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo later');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await c.api('GET', `/api/jobs/status?jobId=${waiting}`)).body.status, 'pending', 'a paused worker takes no job');
      app.send({ idle: 3600 }); // nobody at the PC: the next job starts without a notice
      await app.waitFor((e) => e.kind === 'idle', 'the idle time set');
      app.send({ click: 'Resume' });
      assert.equal((await waitForJob(t, waiting)).status, 'completed');
      assert.equal(app.events.filter((e) => e.kind === 'notification').length, 1, 'no notice for an empty room');

      app.send({ invoke: 'worker:get-state', url: 'https://evil.example/' });
      assert.match((await app.waitFor((e) => e.kind === 'invoke-error', 'a refused IPC call')).error, /untrusted page/);
      app.send({ quit: true });
      assert.equal(await app.exited, 0);
    } finally {
      app.proc.kill('SIGKILL');
      await c.close();
    }
  });

  it('coordinator mode runs the embedded coordinator, shows its dashboard and tells the PC when a worker goes offline', async () => {
    const dataDir = tempDir();
    // --no-announce: a test never sends multicast to the machine's real network.
    const app = startApp(['--mode', 'coordinator', '--port', '0', '--data-dir', dataDir, '--no-announce']);
    try {
      const load = await app.waitFor((e) => e.kind === 'load', 'the dashboard');
      assert.match(load.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const health = (await (await fetch(new URL('/api/health', load.url))).json()) as any;
      assert.deepEqual([health.service, health.auth], ['cmd-executor', true]);
      const { adminToken } = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
      const page = await fetch(load.url);
      assert.match(await page.text(), /<div id="root">/);
      const workers = await fetch(new URL('/api/workers/register', load.url), { headers: { authorization: `Bearer ${adminToken}` } });
      assert.equal(workers.status, 200);
      app.send({ invoke: 'app:coordinator-info', url: load.url });
      const info = await app.waitFor((e) => e.kind === 'invoke-result' && e.channel === 'app:coordinator-info', 'coordinator info over IPC');
      assert.equal(info.result.adminToken, adminToken);
      // Its desktop notices: a worker that says goodbye is offline at once, and the coordinator PC is told.
      const { joinToken } = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
      const post = (path: string, token: string, body: unknown) =>
        fetch(new URL(path, load.url), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const registered = (await (await post('/api/workers/register', joinToken, { workerId: 'w-notice', hostname: 'lab-pc-07' })).json()) as any;
      assert.equal((await post('/api/workers/goodbye', registered.workerToken, { workerId: 'w-notice' })).status, 200);
      const notice = await app.waitFor((e) => e.kind === 'notification' && e.title === 'Worker offline', 'the coordinator notice');
      assert.equal(notice.body, 'lab-pc-07 stopped answering the coordinator.');
      app.send({ quit: true });
      assert.equal(await app.exited, 0);
    } finally {
      app.proc.kill('SIGKILL');
    }
  });

  it('a second instance exits at once (single-instance lock)', async () => {
    const second = spawn(process.execPath, ['--import', './tests/fakes/register-electron.mjs', 'dist/electron/main/index.js'], {
      cwd: ROOT,
      env: { ...process.env, FAKE_ELECTRON_SECOND_INSTANCE: '1', FAKE_ELECTRON_USER_DATA: tempDir() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    second.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    assert.equal(code, 0);
    assert.doesNotMatch(out, /"kind":"window"/, 'no window was opened');
  });
});
