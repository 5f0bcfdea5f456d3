import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { cancelJob, listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { isAlive, PID_NS, readPidFile, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZipWithRawName } from '../helpers/zip.ts';

function startWorker(c: { url: string; tokens: { joinToken: string } }, id: string, extra: string[] = []): CliProcess & { workDir: string } {
  const workDir = tempDir('cmdx-worker-');
  const proc = startCli(['worker', '--server', c.url, '--id', id, '--work-dir', workDir, '--heartbeat-interval', '0.5', ...extra], {
    CMDX_JOIN_TOKEN: c.tokens.joinToken,
  });
  return Object.assign(proc, { workDir });
}

async function waitIdle(t: Target, ids: string[]): Promise<void> {
  await waitFor(
    `workers ${ids.join(', ')} idle`,
    async () => {
      const workers = await listWorkers(t);
      return ids.every((id) => workers.find((w) => w.workerId === id)?.status === 'idle') || undefined;
    },
    20_000,
  );
}

describe('worker processes run real jobs', () => {
  let c: TestCoordinator;
  let t: Target;
  let w1: CliProcess & { workDir: string };
  let w2: CliProcess & { workDir: string };

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 3 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
    w1 = startWorker(c, 'w1', ['--max-extract-mb', '1']);
    w2 = startWorker(c, 'w2', ['--max-extract-mb', '1']);
    await waitIdle(t, ['w1', 'w2']);
  });
  after(async () => {
    await Promise.all([w1.kill('SIGKILL'), w2.kill('SIGKILL')]);
    await c.close();
  });

  it('runs a zip with a nested top folder and reports stdout, stderr and the exit code', async () => {
    const jobId = await submitZip(t, [{ name: 'project-main/data.txt', content: 'payload\n' }], 'cat data.txt\necho warn >&2');
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal(job.exitCode, 0);
    assert.equal(job.stdout, '$ cat data.txt\npayload\n$ echo warn >&2\n');
    assert.equal(job.stderr, 'warn\n');
  });

  it('stops at a failing line and reports its code', async () => {
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo one\nsh -c "exit 42"\necho never');
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'completed');
    assert.equal(job.exitCode, 42);
    assert.doesNotMatch(job.stdout, /never/);
  });

  it('shares four jobs between two workers, running in parallel', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await submitZip(t, [{ name: 'a.txt', content: 'a' }], `sleep 1\necho job ${i}`));
    const jobs = await Promise.all(ids.map((id) => waitForJob(t, id)));
    assert.ok(jobs.every((j) => j.status === 'completed' && j.exitCode === 0));
    assert.deepEqual(new Set(jobs.map((j) => j.workerId)), new Set(['w1', 'w2']));
    const overlap = jobs.some((a) => jobs.some((b) => a.workerId !== b.workerId && a.startedAt < b.completedAt && b.startedAt < a.completedAt));
    assert.ok(overlap, 'jobs of the two workers ran at the same time');
  });

  it('shows output in the status while the job still runs', async () => {
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo first line\nsleep 3\necho last line');
    const running = await waitForJob(t, jobId, (j) => j.status === 'running' && j.stdout.includes('first line'), 10_000);
    assert.doesNotMatch(running.stdout, /last line/);
    const done = await waitForJob(t, jobId);
    assert.match(done.stdout, /last line/);
  });

  it('times a job out, fails it with "timed out after N s", and leaves no process behind', async () => {
    const pidFile = join(dropBox(), 'pid');
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `sh -c 'echo "${PID_NS} $$" > ${pidFile}; sleep 60'`, { timeoutSeconds: '1' });
    const pid = await readPidFile(pidFile);
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'failed');
    assert.equal(job.errorMessage, 'timed out after 1 s');
    await waitFor(`pid ${pid} gone`, () => !isAlive(pid) || undefined, 15_000);
  });

  it('cancels a running job and leaves no process behind', async () => {
    const pidFile = join(dropBox(), 'pid');
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `sleep 60 & echo "${PID_NS} $!" > ${pidFile}; wait`);
    const pid = await readPidFile(pidFile);
    await waitForJob(t, jobId, (j) => j.status === 'running');
    await cancelJob(t, jobId);
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'cancelled');
    await waitFor(`pid ${pid} gone`, () => !isAlive(pid) || undefined, 15_000);
  });

  it('fails jobs whose zip breaks a rule, with a clear message, writing nothing outside the job folder', async () => {
    const outside = tempDir('cmdx-outside-');
    const cases: [string, Parameters<typeof submitZip>[1], RegExp][] = [
      ['..', await buildZipWithRawName('xx/escaped.txt', '../escaped.txt'.slice(0, 14)), /climbs out of its folder/],
      ['absolute', await buildZipWithRawName('tmp/evil1.txt', '/tmp/evil1.tx'), /absolute path/],
      [
        'symlink',
        [
          { name: 'f', symlinkTo: join(outside, 'victim') },
          { name: 'f', content: 'pwned' },
        ],
        /points outside the job folder/,
      ],
      ['bomb', [{ name: 'zeros.bin', content: Buffer.alloc(3 * 1024 * 1024) }], /unpacks to more than 1\.0 MB/],
    ];
    for (const [name, zip, message] of cases) {
      const jobId = await submitZip(t, zip, 'echo should not run');
      const job = await waitForJob(t, jobId);
      assert.equal(job.status, 'failed', name);
      assert.match(job.errorMessage, message, name);
      assert.equal(job.endReason, 'zip_refused', `${name}: named as a refused zip, not a bare error`);
      assert.equal(job.stdout, '', `${name}: nothing ran`);
    }
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(existsSync('/tmp/evil1.tx'), false);
    for (const w of [w1, w2]) assert.deepEqual(readdirSync(readFileSync(join(w.workDir, 'jobs-dir.txt'), 'utf8')), [], 'job folders are removed');
  });

  it('names a zip that cannot be downloaded as download_failed, with the sentence a teacher reads', async () => {
    const { createServer } = await import('node:http');
    const gone = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    try {
      const port = (gone.address() as { port: number }).port;
      const created = await c.api('POST', '/api/jobs/create', {
        body: { command: 'echo never', fileUrl: `http://127.0.0.1:${port}/p.zip`, filename: 'p.zip' },
      });
      const job = await waitForJob(t, created.body.jobId);
      assert.deepEqual([job.status, job.endReason, job.stdout], ['failed', 'download_failed', '']);
      const { END_REASON_TEXT } = await import('../../shared/job-status.ts');
      assert.match(END_REASON_TEXT[job.endReason as 'download_failed'], /could not download the project zip/);
    } finally {
      gone.close();
    }
  });

  it('downloads a zip from another host without sending it the worker token', async () => {
    const { createServer } = await import('node:http');
    const { buildZip } = await import('../helpers/zip.ts');
    const zip = await buildZip([{ name: 'remote.txt', content: 'from elsewhere\n' }]);
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/zip');
      res.end(zip);
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const port = (other.address() as { port: number }).port;
      const created = await c.api('POST', '/api/jobs/create', {
        body: { command: 'cat remote.txt', fileUrl: `http://127.0.0.1:${port}/p.zip`, filename: 'p.zip' },
      });
      const job = await waitForJob(t, created.body.jobId);
      assert.equal(job.status, 'completed');
      assert.match(job.stdout, /from elsewhere/);
      assert.deepEqual(seen, [undefined], 'no Authorization header went to the other origin');
    } finally {
      other.close();
    }
  });

  it('never sends the worker token along a redirect chain, even one that leads back to the coordinator', async () => {
    const { createServer } = await import('node:http');
    const upload = await submitZip(t, [{ name: 'x.txt', content: 'x' }], 'true');
    const uploadUrl = (await waitForJob(t, upload)).fileUrl as string;
    const other = createServer((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `${c.url}${uploadUrl}`);
      res.end();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const port = (other.address() as { port: number }).port;
      const created = await c.api('POST', '/api/jobs/create', {
        body: { command: 'cat x.txt', fileUrl: `http://127.0.0.1:${port}/p.zip`, filename: 'p.zip' },
      });
      const job = await waitForJob(t, created.body.jobId);
      assert.equal(job.status, 'failed');
      // Without a token the coordinator says 401; with the worker's token it would have said 403 (not this job's zip).
      assert.match(job.errorMessage, /answered 401/);
    } finally {
      other.close();
    }
  });

  it('keeps the worker under 150 MB while a command prints 200 MB', async (ctx) => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    // The peak is measured over this job alone: "5" resets a process's VmHWM (proc(5), clear_refs), so what earlier tests left does not count.
    for (const w of [w1, w2]) writeFileSync(`/proc/${w.proc.pid}/clear_refs`, '5');
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], "head -c 200000000 /dev/zero | tr '\\0' 'x'");
    const job = await waitForJob(t, jobId, undefined, 120_000);
    assert.equal(job.status, 'completed');
    assert.equal(job.exitCode, 0);
    assert.match(job.stdout, /bytes of stdout dropped here/);
    assert.ok(job.stdout.length <= 16 * 1024 * 1024 + 1000, `stored ${job.stdout.length} chars`);
    const worker = job.workerId === 'w1' ? w1 : w2;
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${worker.proc.pid}/status`, 'utf8'))![1]);
    ctx.diagnostic(`worker peak RSS during the job: ${Math.round(peakKb / 1024)} MB`);
    assert.ok(peakKb < 150 * 1024, `worker peak RSS ${Math.round(peakKb / 1024)} MB`);
  });
});

describe('workers survive faults', () => {
  it('a worker killed with SIGKILL mid-job has its job leave running within the offline window', async () => {
    const c = await startTestCoordinator({ offlineAfterSeconds: 2 });
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const w = startWorker(c, 'doomed');
    try {
      await waitIdle(t, ['doomed']);
      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'sleep 30');
      await waitForJob(t, jobId, (j) => j.status === 'running');
      await w.kill('SIGKILL');
      const job = await waitForJob(t, jobId, undefined, 10_000);
      assert.equal(job.status, 'failed');
      assert.match(job.errorMessage, /stopped sending heartbeats/);
      assert.equal((await listWorkers(t))[0].status, 'offline');
    } finally {
      await w.kill('SIGKILL');
      await c.close();
    }
  });

  it('a worker restarted mid-job reports that job as failed, stops its leftover processes and keeps its identity', async () => {
    const c = await startTestCoordinator();
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const workDir = tempDir('cmdx-worker-');
    const args = ['worker', '--server', c.url, '--work-dir', workDir, '--heartbeat-interval', '0.5'];
    let w = startCli(args, { CMDX_JOIN_TOKEN: c.tokens.joinToken });
    try {
      await waitFor('a worker', async () => (await listWorkers(t)).length === 1 || undefined);
      const id = (await listWorkers(t))[0].workerId;
      assert.match(id, /^worker-[a-z0-9-]+-[0-9a-f]{4}$/);
      const pidFile = join(dropBox(), 'pid');
      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `echo "${PID_NS} $$" > ${pidFile}; sleep 30`);
      const pid = await readPidFile(pidFile);
      await w.kill('SIGKILL');
      if (process.getuid?.() === 0) {
        // As root each job has its own PID namespace, whose holder dies with the worker: nothing of the job runs on.
        await waitFor(`pid ${pid} gone with its worker`, () => !isAlive(pid) || undefined, 10_000);
      } else {
        assert.ok(isAlive(pid), 'the job outlives a worker killed with SIGKILL...');
      }
      w = startCli(args); // no join token this time: it must reuse its saved identity
      const job = await waitForJob(t, jobId, undefined, 15_000);
      assert.equal(job.status, 'failed');
      assert.equal(job.errorMessage, 'worker restarted while running this job');
      await waitFor(`pid ${pid} gone`, () => !isAlive(pid) || undefined, 10_000); // ...until the restarted worker stops it
      const next = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo again');
      assert.equal((await waitForJob(t, next)).workerId, id);
      assert.equal((await listWorkers(t)).length, 1);
    } finally {
      await w.kill('SIGKILL');
      await c.close();
    }
  });

  it('on SIGTERM finishes the running job, reports it and exits; a second signal cancels at once', async () => {
    const c = await startTestCoordinator();
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const w = startWorker(c, 'graceful');
    try {
      await waitIdle(t, ['graceful']);
      const first = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo started\nsleep 5\necho finished');
      // Running on the worker (its output says so), not only assigned: a stop while the assignment is still on the
      // wire is another case (the long poll is aborted; see the closing note of issue 30).
      await waitForJob(t, first, (j) => j.status === 'running' && /started/.test(j.stdout));
      assert.equal(await w.kill('SIGTERM'), 0);
      const job = await waitForJob(t, first);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      assert.match(job.stdout, /finished/);

      const w2 = startWorker(c, 'impatient');
      await waitIdle(t, ['impatient']);
      const pidFile = join(dropBox(), 'pid');
      const second = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `echo "${PID_NS} $$" > ${pidFile}; sleep 60`);
      const pid = await readPidFile(pidFile);
      w2.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await w2.kill('SIGTERM'), 0);
      const cancelled = await waitForJob(t, second);
      assert.equal(cancelled.status, 'failed');
      assert.match(cancelled.errorMessage, /Worker stopped \(SIGTERM\) before the job finished/);
      assert.equal(cancelled.endReason, 'worker_shutdown');
      await waitFor(`pid ${pid} gone`, () => !isAlive(pid) || undefined, 15_000);
    } finally {
      await w.kill('SIGKILL');
      await c.close();
    }
  });

  it('the coordinator stopped for 10 s mid-job and restarted on the same data dir still receives the result', async () => {
    const { startCoordinatorProcess } = await import('../helpers/processes.ts');
    const dataDir = tempDir();
    let coordinator = await startCoordinatorProcess(dataDir);
    const port = Number(new URL(coordinator.url).port);
    const tokens = JSON.parse((await import('node:fs')).readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
    const t = { url: coordinator.url, adminToken: tokens.adminToken };
    const w = startWorker({ url: coordinator.url, tokens }, 'steady');
    try {
      await waitIdle(t, ['steady']);
      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo before\nsleep 4\necho after');
      await waitForJob(t, jobId, (j) => j.stdout.includes('before'));
      await coordinator.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 10_000));
      coordinator = await startCoordinatorProcess(dataDir, [], port);
      const job = await waitForJob(t, jobId, undefined, 60_000);
      assert.equal(job.status, 'completed');
      assert.equal(job.exitCode, 0);
      assert.equal(job.stdout, '$ echo before\nbefore\n$ sleep 4\n$ echo after\nafter\n');
    } finally {
      await w.kill('SIGKILL');
      await coordinator.kill('SIGKILL');
    }
  });
});
