/**
 * A job cannot touch the worker or the next job, tried as an attacker would with real jobs on a real
 * worker process: the worker's secrets are not in its environment, its files cannot be read, a
 * setsid'd loop dies with its job (cgroup) and never sees the next job's files, and jobs run as the
 * job account when the worker is root (as in CI).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { isAlive, PID_NS, readPidFile, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip } from '../helpers/zip.ts';

describe('job isolation on a real worker', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  const workDir = tempDir('cmdx-worker-');

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'these tests run as root, as CI does (they create the job account)');
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    // The token on the command line, as an unattended install might give it: the worker must not keep it there.
    worker = startCli(
      ['worker', '--server', c.url, '--id', 'iso-1', '--work-dir', workDir, '--heartbeat-interval', '0.5', '--join-token', c.tokens.joinToken],
      {
        CMDX_SECRET_FOR_TEST: 'must-not-leak',
      },
    );
    await worker.waitForLog((l) => l.msg === 'registered with the coordinator');
  });
  after(async () => {
    await worker.kill('SIGKILL');
    await c.close();
  });

  it('a job sees no CMDX_ variable of the worker and cannot read worker.json; it runs as the job account', async () => {
    const identity = join(workDir, 'worker.json');
    assert.ok(existsSync(identity));
    const jobId = await submitZip(
      t,
      [{ name: 'p/a.txt', content: 'a' }],
      `env | sort\ncat ${identity} || echo "cannot read worker.json"\nid -un\nprintf '%s\\n' "CMDX_JOB_ID=$CMDX_JOB_ID"`,
    );
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'completed', JSON.stringify(job));
    const envLines = job.stdout.split('\n').filter((l: string) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l));
    assert.deepEqual(
      envLines.filter((l: string) => l.startsWith('CMDX_')),
      [`CMDX_JOB_ID=${jobId}`, `CMDX_JOB_ID=${jobId}`],
    );
    assert.doesNotMatch(job.stdout + job.stderr, /must-not-leak|cmdx_j_|cmdx_w_|workerToken/);
    assert.match(job.stdout, /cannot read worker\.json/);
    assert.match(job.stderr, /Permission denied|No such file/, "refused, or not even there (a work dir under /tmp is outside the job's private /tmp)");
    assert.match(job.stdout, /^cmdx-job$/m);
  });

  it("a job sees only its own processes in /proc: not the worker's command line, which holds no token anyway", async () => {
    assert.doesNotMatch(
      readFileSync(`/proc/${worker.proc.pid}/cmdline`, 'utf8'),
      new RegExp(c.tokens.joinToken),
      'the worker started again without the token in its argv',
    );
    const jobId = await submitZip(
      t,
      [{ name: 'p/a.txt', content: 'a' }],
      `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done\necho "pids: $(ls -d /proc/[0-9]* | wc -l)"\ncat /proc/${worker.proc.pid}/cmdline || echo "no process ${worker.proc.pid}"`,
    );
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.doesNotMatch(job.stdout, new RegExp(c.tokens.joinToken));
    assert.doesNotMatch(job.stdout, /cmdx worker|cli\.js/, "the worker's process is not in the job's /proc");
    const pids = Number(/^pids: (\d+)$/m.exec(job.stdout)![1]);
    assert.ok(pids > 0 && pids <= 6, `the job sees only its own few processes (${pids})`);
  });

  it('what a job leaves in /var/tmp, /dev/shm and /run/lock never reaches the next job or the PC', async () => {
    const mark = `cmdx-leftover-${Date.now().toString(36)}`;
    const places = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'].filter((dir) => existsSync(dir));
    const a = await waitForJob(
      t,
      await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], places.map((dir) => `echo covert > ${dir}/${mark} && echo wrote ${dir}`).join('\n')),
    );
    assert.equal(a.status, 'completed', JSON.stringify(a));
    for (const dir of places) {
      assert.match(a.stdout, new RegExp(`^wrote ${dir}$`, 'm'));
      assert.equal(existsSync(`${dir}/${mark}`), false, `${dir} of the PC has nothing of the job`);
    }
    const b = await waitForJob(
      t,
      await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], places.map((dir) => `cat ${dir}/${mark} 2>/dev/null || echo none in ${dir}`).join('\n')),
    );
    assert.doesNotMatch(b.stdout, /covert/);
    for (const dir of places) assert.match(b.stdout, new RegExp(`^none in ${dir}$`, 'm'));
  });

  it('System V shared memory a job makes is its own and goes with it: the next job and the PC find none', async () => {
    const a = await waitForJob(t, await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], 'ipcmk -M 65536\nipcs -m | grep -c cmdx-job || true'));
    assert.equal(a.status, 'completed', JSON.stringify(a));
    assert.match(a.stdout, /Shared memory id: \d+/);
    const b = await waitForJob(t, await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], 'echo "segments: $(ipcs -m | grep -c cmdx-job)"'));
    assert.match(b.stdout, /^segments: 0$/m);
    assert.doesNotMatch(execFileSync('ipcs', ['-m'], { encoding: 'utf8' }), /cmdx-job/, 'none left on the PC');
  });

  it('a job that swaps its folder for a link to a place its account cannot reach gets nothing from the next line', async () => {
    // A root-only folder, with a readable file inside a readable subfolder: reachable only by a process already in there.
    const vault = join(dropBox(), 'vault');
    mkdirSync(join(vault, 'pub'), { recursive: true });
    writeFileSync(join(vault, 'pub', 'f'), 'VAULT-SECRET');
    chmodSync(vault, 0o700);
    chmodSync(join(vault, 'pub'), 0o755);
    const job = await waitForJob(t, await submitZip(t, [{ name: 'a.txt', content: 'a' }], `cd .. && mv files x && ln -s ${vault}/pub files\ncat f`));
    assert.doesNotMatch(job.stdout + job.stderr, /VAULT-SECRET/);
    assert.match(job.stderr, /cannot enter/);
  });

  it('the job account may not use cron or at, and its processes from outside any job die when a job ends', async () => {
    for (const file of ['/etc/cron.deny', '/etc/at.deny']) assert.match(readFileSync(file, 'utf8'), /^cmdx-job$/m, file);
    // A crontab it had before the deny lists named it goes when a worker starts.
    mkdirSync('/var/spool/cron/crontabs', { recursive: true });
    writeFileSync('/var/spool/cron/crontabs/cmdx-job', '* * * * * cat /etc/hostname > /tmp/leak\n');
    const another = startCli(['worker', '--server', c.url, '--id', 'iso-cron', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    try {
      await another.waitForLog((l) => l.msg === 'job isolation');
      assert.equal(existsSync('/var/spool/cron/crontabs/cmdx-job'), false, 'its old crontab is gone');
    } finally {
      await another.kill('SIGKILL');
    }
    // As if cron had started it: a process of the job account outside the job's cgroup and namespaces.
    const planted = spawn('setpriv', ['--reuid=cmdx-job', '--regid=cmdx-job', '--clear-groups', 'sleep', '60'], { stdio: 'ignore' });
    await waitFor('the planted process runs as cmdx-job', () => {
      try {
        return /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${planted.pid}/status`, 'utf8'))?.[1] !== '0' || undefined;
      } catch {
        return undefined;
      }
    });
    const job = await waitForJob(t, await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], 'echo ok'));
    assert.equal(job.status, 'completed');
    await waitFor(`planted process ${planted.pid} gone`, () => planted.exitCode !== null || planted.signalCode !== null || undefined, 10_000);
  });

  it("a setsid double-forked loop started by job A dies when A ends, and job B's files never reach it", async () => {
    const drop = dropBox();
    const loop =
      `setsid sh -c 'while true; do for f in ../../../*/files/*/secret.txt ../../*/*/secret.txt; do cat "$f" >> ${drop}/stolen.txt 2>/dev/null; done; sleep 0.1; done' ` +
      `>/dev/null 2>&1 < /dev/null & echo "${PID_NS} $!" > ${drop}/loop.pid`;
    const a = await submitZip(t, [{ name: 'a/readme.txt', content: 'a' }], `${loop}\nsleep 0.5`);
    const loopPid = await readPidFile(join(drop, 'loop.pid'));
    assert.equal((await waitForJob(t, a)).status, 'completed');
    await waitFor(`loop ${loopPid} gone`, () => !isAlive(loopPid) || undefined, 5000);
    const b = await submitZip(t, [{ name: 'b/secret.txt', content: 'another-students-secret' }], 'cat secret.txt > /dev/null; sleep 1');
    assert.equal((await waitForJob(t, b)).status, 'completed');
    const stolen = existsSync(join(drop, 'stolen.txt')) ? readFileSync(join(drop, 'stolen.txt'), 'utf8') : '';
    assert.doesNotMatch(stolen, /another-students-secret/);
  });
  it('a tampered cache zip is detected by its SHA-256 and downloaded again', async () => {
    const first = await submitZip(t, [{ name: 'p/data.txt', content: 'original-content' }], 'cat data.txt');
    const job = await waitForJob(t, first);
    assert.match(job.stdout, /original-content/);
    const cacheDir = join(workDir, 'cache');
    const key = createHash('sha256').update(new URL(job.fileUrl, c.url).href).digest('hex').slice(0, 32);
    const cached = join(cacheDir, `${key}.zip`);
    assert.ok(readdirSync(cacheDir).includes(`${key}.zip`), 'the upload was cached');
    writeFileSync(cached, await buildZip([{ name: 'p/data.txt', content: 'tampered-content' }]));
    const again = await c.api('POST', '/api/jobs/create', { body: { command: 'cat data.txt', fileUrl: job.fileUrl, filename: job.filename } });
    const rerun = await waitForJob(t, again.body.jobId);
    assert.equal(rerun.status, 'completed');
    assert.match(rerun.stdout, /original-content/);
    assert.doesNotMatch(rerun.stdout, /tampered-content/);
    await worker.waitForLog((l) => l.msg?.startsWith('the cached zip no longer matches its SHA-256'));
  });
  it('what a job leaves in /tmp is removed when it ends, so the next job cannot read it', async () => {
    const name = `/tmp/cmdx-leftover-${Date.now().toString(36)}`;
    const job = await waitForJob(t, await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], `echo secret > ${name}\nls -l ${name}`));
    assert.equal(job.status, 'completed');
    assert.match(job.stdout, /cmdx-job/, 'the file belonged to the job account');
    assert.equal(existsSync(name), false);
  });
  it("a second worker starting on the same PC never sweeps the first one's running job", async () => {
    const jobId = await submitZip(t, [{ name: 'p/a.txt', content: 'a' }], 'sleep 1.5\necho still-alive');
    await waitForJob(t, jobId, (j) => j.status === 'running');
    const second = startCli(['worker', '--server', c.url, '--id', 'iso-2', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    try {
      await second.waitForLog((l) => l.msg?.startsWith('self-check'));
      const job = await waitForJob(t, jobId);
      assert.equal(job.status, 'completed');
      assert.match(job.stdout, /still-alive/);
    } finally {
      await second.kill('SIGKILL');
    }
  });
});
