/**
 * Workers that never get in a student's way, with a real worker process and a fake idle source (a
 * file holding the idle seconds): jobs wait while the PC is in use and start when it is idle, a
 * running job freezes when the user returns and goes on when they leave (no gap in its output, its
 * timeout paused), and job processes run at low priority.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { jobStatus, listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { PID_NS, readPidFile, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { outcomeText } from '../../electron/core/client/describe.ts';
import { hourMinute } from '../../shared/on-hold.ts';

/** State and CPU ticks of a process, from /proc. */
function procStat(pid: number): { state: string; cpu: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, cpu: Number(fields[11]) + Number(fields[12]) };
}

describe('worker policies', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  const idleFile = join(tempDir('cmdx-idle-'), 'idle-seconds');
  const setIdle = (seconds: number) => writeFileSync(idleFile, String(seconds));
  const me = async () => (await listWorkers(t)).find((w) => w.workerId === 'lab-pc')!;
  const policy = async (body: Record<string, unknown>) => {
    const res = await c.api('POST', '/api/workers/policy', { body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    setIdle(3600);
    worker = startCli(
      ['worker', '--server', c.url, '--id', 'lab-pc', '--work-dir', tempDir('cmdx-worker-'), '--idle-file', idleFile, '--heartbeat-interval', '0.5'],
      {
        CMDX_JOIN_TOKEN: c.tokens.joinToken,
      },
    );
    await waitFor('worker idle', async () => (await me())?.status === 'idle' || undefined, 20_000);
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('keeps jobs waiting while the PC is in use, and starts one within 2 s of the PC becoming idle', async () => {
    await policy({ when: 'idle', idleMinutes: 1 });
    setIdle(5);
    const waiting = await waitFor('the worker waiting', async () => {
      const w = await me();
      return w.available === false ? w : undefined;
    });
    assert.match(waiting.availabilityReason, /^PC in use since \d\d:\d\d/);
    assert.equal(waiting.status, 'idle', 'waiting is not offline: it still heartbeats');
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo ran');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await jobStatus(t, jobId)).status, 'pending', 'no job while a student uses the PC');
    const freedAt = Date.now();
    setIdle(120);
    const running = await waitFor('the job started', async () => {
      const j = await jobStatus(t, jobId);
      return j.startedAt ? j : undefined;
    });
    const ms = running.startedAt - freedAt;
    console.log(`job started ${ms} ms after the PC became idle`);
    assert.ok(ms < 2000, `started ${ms} ms after the PC became idle`);
    assert.equal((await waitForJob(t, jobId)).status, 'completed');
  });

  it('freezes a running job when the user returns (state T, no CPU), goes on when they leave, with no gap and its timeout paused', async () => {
    await policy({ when: 'idle', idleMinutes: 1, onUserReturn: 'suspend' });
    setIdle(120);
    await waitFor('available', async () => (await me()).available || undefined);
    const pidFile = join(dropBox(), 'pid');
    // 30 ticks of 0.1 s (about 3.5 s of running) under a 5 s timeout: it passes only if the 3.5 s frozen do not count.
    const jobId = await submitZip(
      t,
      [{ name: 'a.txt', content: 'a' }],
      `echo "${PID_NS} $$" > ${pidFile}; i=0; while [ $i -lt 30 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done`,
      {
        timeoutSeconds: '5',
      },
    );
    const pid = await readPidFile(pidFile);
    await new Promise((r) => setTimeout(r, 500));
    setIdle(0); // the student is back
    await waitFor('the job frozen', () => (procStat(pid).state === 'T' ? true : undefined), 5000, 50).catch((e: Error) => {
      throw new Error(`${e.message}; worker log: ${JSON.stringify(worker.logs.slice(-8))}`);
    });
    await new Promise((r) => setTimeout(r, 1500)); // output read before the freeze reaches the coordinator
    const before = procStat(pid).cpu;
    const printed = (await jobStatus(t, jobId)).stdout;
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(procStat(pid).state, 'T');
    assert.equal(procStat(pid).cpu, before, 'no CPU used while frozen');
    assert.equal((await jobStatus(t, jobId)).status, 'running');
    assert.equal((await jobStatus(t, jobId)).stdout.length, printed.length, 'nothing printed while frozen');
    assert.match((await me()).availabilityReason, /PC in use/);
    // On hold, in the API: the job and its worker, since when (the coordinator's clock), and in the run's and CLI's words.
    const held = await waitForJob(t, jobId, (j) => j.suspended === true, 10_000);
    assert.equal(typeof held.suspendedSince, 'number');
    assert.equal(held.status, 'running');
    assert.equal((await me()).suspendedSince, held.suspendedSince);
    assert.equal(outcomeText(held), `on hold (student at the PC since ${hourMinute(held.suspendedSince)})`);
    setIdle(120); // the student left
    const job = await waitForJob(t, jobId, undefined, 20_000);
    assert.equal(job.status, 'completed', job.errorMessage ?? '');
    assert.equal(job.suspended, false);
    assert.equal(job.suspendedSince, null);
    assert.ok(job.suspendedMs >= 3000, `the hold's length is kept (${job.suspendedMs} ms), out of its running time`);
    assert.equal((await me()).suspendedSince, null);
    const ticks = job.stdout.split('\n').filter((l: string) => l.startsWith('tick '));
    assert.deepEqual(
      ticks,
      Array.from({ length: 30 }, (_, i) => `tick ${i}`),
      'every tick once, in order: no gap',
    );
  });

  it('runs job processes at a lowered priority, or normal when the policy says so', async () => {
    await policy({ when: 'always', priority: 'low' });
    const low = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'ps -o ni= -p $$; sh -c "ps -o ni= -p \\$\\$"');
    const lowOut = (await waitForJob(t, low)).stdout;
    assert.deepEqual(
      lowOut
        .split('\n')
        .filter((l: string) => /^\s*-?\d+\s*$/.test(l))
        .map((l: string) => l.trim()),
      ['10', '10'],
      'the shell and its children',
    );
    await policy({ when: 'always', priority: 'normal' });
    await waitFor('the worker follows the new policy', async () => ((await me()).policy.priority === 'normal' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1200)); // its next heartbeat brings the policy to the PC
    const normal = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'ps -o ni= -p $$');
    assert.equal((await waitForJob(t, normal)).stdout.split('\n')[1]!.trim(), '0');
  });

  it('lets the admin set the lab default, per tag and per worker, and lists them; refuses a schedule it cannot read', async () => {
    await policy({ when: 'always' });
    await policy({ tag: 'room-b', when: 'schedule', windows: 'Mon-Fri 18:00-07:30; Sat-Sun all day' });
    await policy({ workerId: 'lab-pc', when: 'idle', idleMinutes: 15, onUserReturn: 'finish' });
    const listed = (await c.api('GET', '/api/workers/policy')).body;
    assert.equal(listed.lab.when, 'always');
    assert.equal(listed.tags['room-b'].windows, 'Mon-Fri 18:00-07:30; Sat-Sun all day');
    assert.equal(listed.workers['lab-pc'].idleMinutes, 15);
    assert.equal((await me()).policy.onUserReturn, 'finish', "the worker's own policy wins");
    await policy({ workerId: 'lab-pc', clear: true });
    assert.equal((await me()).policy.when, 'always');
    const bad = await c.api('POST', '/api/workers/policy', { body: { when: 'schedule', windows: 'weekdays 9-5' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /is not a window: write it like "Mon-Fri 18:00-07:30"/);
    assert.equal((await c.api('POST', '/api/workers/policy', { body: { workerId: 'ghost', when: 'always' } })).status, 404);
  });
});
