/**
 * The Windows lane: the real worker, built as shipped, runs as a Windows program (Node for Windows
 * under wine) against a Linux coordinator, and runs real cmd.exe jobs. Wine's processes are Linux
 * processes too, so `ps` here sees every process of a job. The figures it prints are the lane's
 * measurements (docs/windows.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { cancelJob, jobStatus, listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { waitFor } from '../helpers/processes.ts';
import { processesWith, startWindowsCli, stopWine, type WindowsProcess } from '../helpers/wine.ts';

function startWindowsWorker(c: TestCoordinator, id: string, extra: string[] = []): WindowsProcess {
  const dir = tempDir('cmdx-win-worker-');
  // Wine's user is an administrator whose job account cannot start processes: the worker needs to be told.
  const args = ['worker', '--server', c.url, '--id', id, '--work-dir', dir, '--heartbeat-interval', '0.5', '--unsafe-jobs-as-root', ...extra];
  return startWindowsCli('worker', args, { CMDX_JOIN_TOKEN: c.tokens.joinToken }, join(dir, 'log.jsonl'));
}

async function waitIdle(t: Target, id: string): Promise<any> {
  return waitFor(`Windows worker ${id} idle`, async () => (await listWorkers(t)).find((w) => w.workerId === id && w.status === 'idle'), 120_000, 200);
}

/** Seconds from `since` (ms) to now, for the printed figures. */
const secondsSince = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

describe('a Windows worker (Node for Windows under wine)', { concurrency: false }, () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: WindowsProcess;
  const idleFile = join(tempDir('cmdx-win-idle-'), 'idle-seconds');
  const setIdle = (seconds: number) => writeFileSync(idleFile, String(seconds));
  const only = (commands: string, fields: Record<string, string> = {}, files = [{ name: 'readme.txt', content: 'x' }]) =>
    submitZip(t, files, commands, { target: JSON.stringify({ workers: ['win-1'] }), ...fields });

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 10 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
    setIdle(3600);
    worker = startWindowsWorker(c, 'win-1', ['--idle-file', idleFile]);
    const registered = await waitIdle(t, 'win-1');
    assert.equal(registered.os, 'win32');
    // Wine's LogonUserW hands out a fake token (ERROR_INVALID_HANDLE everywhere): the worker finds out at start, and the
    // dashboard says where jobs run, in Windows words (no cgroup, no setsid).
    const warnings = await waitFor(
      'the warning on the dashboard',
      async () => (await listWorkers(t)).find((w) => w.workerId === 'win-1' && w.warnings.length > 0)?.warnings,
      30_000,
      200,
    );
    assert.match(warnings.join('\n'), /the job account cmdx-job could not be had \(.*\(error 6\)\); jobs run as the worker's account/);
    assert.doesNotMatch(warnings.join('\n'), /cgroup|setsid|process group/);
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
    stopWine('worker');
  });

  it('an administrator worker without a working job account does not start unless told to', async () => {
    const dir = tempDir('cmdx-win-worker-');
    const refused = startWindowsCli(
      'worker',
      ['worker', '--server', c.url, '--id', 'win-x', '--work-dir', dir],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
      join(dir, 'log.jsonl'),
    );
    await waitFor('the worker to stop', () => (refused.proc.exitCode !== null ? true : undefined), 60_000, 100);
    assert.notEqual(refused.proc.exitCode, 0);
    assert.match(
      readFileSync(join(dir, 'log.jsonl'), 'utf8'),
      /Jobs would run with this worker's rights \(a service or an administrator\): the job account cmdx-job could not be had .+ accept the risk with --unsafe-jobs-as-root/,
    );
  });

  it("reports a .bat job's exit code", async () => {
    const bat = '@echo off\r\necho from the batch file\r\nexit /b 3\r\n';
    const job = await waitForJob(t, await only('run.bat', {}, [{ name: 'run.bat', content: bat }]), undefined, 60_000);
    assert.equal(job.exitCode, 3, JSON.stringify(job));
    assert.match(job.stdout, /from the batch file/);
  });

  it('keeps accents as written: echo, dir of café.txt, a path with spaces and accents', async () => {
    const files = [
      { name: 'café.txt', content: 'x' },
      { name: 'mon dossier/été 2.txt', content: 'contenu de l’été\r\n' },
    ];
    const job = await waitForJob(t, await only('echo héllo wörld ✓\r\ndir /b\r\ntype "mon dossier\\été 2.txt"', {}, files), undefined, 60_000);
    console.log(`# lane: echo héllo wörld ✓ came back as ${JSON.stringify(job.stdout.split('\n')[1]?.trim())}`);
    assert.equal(job.exitCode, 0, JSON.stringify(job));
    assert.match(job.stdout, /^héllo wörld ✓\r?$/m);
    assert.match(job.stdout, /^café\.txt\r?$/m);
    assert.match(job.stdout, /^contenu de l’été\r?$/m);
  });

  it('runs each CRLF line of a command text as its own line, with a Windows environment only', async () => {
    const job = await waitForJob(t, await only('echo one\r\necho two\r\nset'), undefined, 60_000);
    assert.equal(job.exitCode, 0, JSON.stringify(job));
    assert.match(job.stdout, /^\$ echo one\n(?:.*\n)?one\r?\n\$ echo two\n/m);
    for (const name of ['SystemRoot', 'ComSpec', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'TEMP', 'TMP', 'PYTHONUTF8', 'CMDX_JOB_ID']) {
      assert.match(job.stdout, new RegExp(`^${name}=`, 'mi'), `${name} in the job's environment`);
    }
    for (const name of ['LANG', 'TERM', 'TMPDIR', 'HOME', 'CMDX_JOIN_TOKEN', 'WINEPREFIX'])
      assert.doesNotMatch(job.stdout, new RegExp(`^${name}=`, 'm'), `no ${name}`);
  });

  it('a timeout ends a three-process tree (cmd, cmd, ping) at once', async () => {
    const started = Date.now();
    const jobId = await only('cmd /c "ping -n 57 127.0.0.1 >nul"', { timeoutSeconds: '4' });
    await waitFor('the three processes', () => processesWith('-n 57').length >= 3 || undefined, 60_000, 50);
    const seen = Date.now();
    await waitFor('no process of the tree', () => processesWith('-n 57').length === 0 || undefined, 90_000, 50);
    const gone = (Date.now() - seen) / 1000;
    const job = await waitForJob(t, jobId, undefined, 60_000);
    console.log(
      `# lane: timeoutSeconds 4: the last process of the tree was gone ${gone.toFixed(1)} s after it was seen running; job ${job.status} after ${secondsSince(started)} s`,
    );
    assert.equal(job.endReason, 'timeout', JSON.stringify(job));
    assert.ok(gone <= 4 + 1.5, `the tree outlived the timeout by more than 1.5 s (${gone} s)`);
  });

  it('cancel ends the job and every process it started', async () => {
    const jobId = await only('ping -n 58 127.0.0.1');
    await waitFor('ping running', () => processesWith('-n 58').length >= 2 || undefined, 60_000, 50);
    const cancelledAt = Date.now();
    await cancelJob(t, jobId);
    await waitFor('no process of the job', () => processesWith('-n 58').length === 0 || undefined, 90_000, 50);
    console.log(`# lane: cancel: no process of the job ${secondsSince(cancelledAt)} s after the cancel`);
    assert.ok(Date.now() - cancelledAt <= 1500 + 1000, 'gone within 1.5 s of the cancel reaching the worker');
    assert.equal((await waitForJob(t, jobId, undefined, 60_000)).status, 'cancelled');
  });

  it('a start /b leftover ends with its job', async () => {
    const job = await waitForJob(t, await only('start /b ping -n 56 127.0.0.1 >nul\r\necho started'), undefined, 60_000);
    const reportedAt = Date.now();
    assert.equal(job.exitCode, 0, JSON.stringify(job));
    // Windows has ended it when the job is reported; wine's Linux process may take a moment more to go.
    await waitFor('the leftover gone', () => processesWith('-n 56').length === 0 || undefined, 1500, 25);
    console.log(`# lane: start /b leftover (ping -n 56, 55 s): gone ${secondsSince(reportedAt)} s after the job was reported`);
  });

  it('sends the result files of a Windows job', async () => {
    const jobId = await only('mkdir out\r\necho résultat> out\\report.txt', { artifacts: JSON.stringify(['out/*.txt']) });
    const job = await waitForJob(t, jobId, (j) => j.status !== 'pending' && j.status !== 'running' && j.artifacts?.length > 0, 60_000);
    assert.deepEqual(
      job.artifacts.map((a: any) => a.path),
      ['out/report.txt'],
    );
    const file = await fetch(`${c.url}/api/jobs/artifacts?jobId=${jobId}&path=out/report.txt`, { headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    assert.equal((await file.text()).trim(), 'résultat');
  });

  it('refuses shell: powershell at once, with a sentence, where there is no PowerShell', async () => {
    const job = await waitForJob(t, await only('Write-Output hi', { shell: 'powershell' }), undefined, 60_000);
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.equal(job.endReason, 'spawn_failed');
    assert.match(job.errorMessage, /This PC has no working Windows PowerShell/);
  });

  it("freezes a job while the PC's user is back (its Job Object suspended), and thaws it when they leave", async () => {
    const policy = (body: Record<string, unknown>) => c.api('POST', '/api/workers/policy', { body });
    assert.equal((await policy({ workerId: 'win-1', when: 'idle', idleMinutes: 1, onUserReturn: 'suspend' })).status, 200);
    await waitFor(
      'the PC available under the policy',
      async () => (await listWorkers(t)).find((w) => w.workerId === 'win-1')?.available || undefined,
      30_000,
      100,
    );
    // A tick a second from cmd's own echo (wine's ping buffers its output into a pipe until it exits).
    const jobId = await only('for /l %i in (1,1,60) do (echo tick %i& ping -n 2 127.0.0.1 >nul)');
    const output = async () => ((await jobStatus(t, jobId)).stdout as string).split('\n').length;
    try {
      await waitFor('two ticks', async () => (await output()) >= 4 || undefined, 60_000, 100);
      setIdle(0); // the student is back
      await worker.waitForLog((line) => line.jobId === jobId && /job suspended/.test(line.msg));
      // A frozen job prints nothing: ping answers once a second, so 3 s without a line shows it (the only wait for an absence here).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const frozen = await output();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(await output(), frozen, 'no output while frozen');
      setIdle(3600);
      await waitFor('output again after the thaw', async () => (await output()) > frozen || undefined, 30_000, 100);
      console.log('# lane: suspend: no output for 3 s while the PC was in use, output again after the thaw');
      assert.doesNotMatch((await jobStatus(t, jobId)).stdout, /tick 60/, 'the job was frozen, not finished');
    } finally {
      setIdle(3600);
      await cancelJob(t, jobId);
      await policy({ workerId: 'win-1', clear: true });
      await waitForJob(t, jobId, undefined, 60_000);
    }
  });

  it('KILL_ON_JOB_CLOSE: kill -9 of the worker takes its job with it', async () => {
    const other = startWindowsWorker(c, 'win-2');
    try {
      await waitIdle(t, 'win-2');
      await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'ping -n 55 127.0.0.1', { target: JSON.stringify({ workers: ['win-2'] }) });
      await waitFor('ping running', () => processesWith('-n 55').length >= 2 || undefined, 60_000, 50);
      const killedAt = Date.now();
      await other.kill('SIGKILL');
      await waitFor('no process of the job', () => processesWith('-n 55').length === 0 || undefined, 30_000, 50);
      console.log(`# lane: kill -9 of the worker: its job's processes gone ${secondsSince(killedAt)} s later`);
    } finally {
      await other.kill('SIGKILL');
    }
  });
});
