/**
 * Power actions on a real worker process. Nothing here may power this machine off: the worker is
 * always given --power-command, a shell line that writes CMDX_POWER_ACTION and CMDX_POWER_DELAY to a
 * file the test reads. The PC's use is faked with --idle-file (as in policy.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { listWorkers, submitZip, waitForJob, jobStatus, type Target } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { lanInterfaces } from '../../electron/core/wake-on-lan.ts';

const ID = 'power-pc';

describe('power actions through --power-command, with a real worker', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess | undefined;
  const dir = tempDir('cmdx-power-');
  const workDir = join(dir, 'work');
  const idleFile = join(dir, 'idle-seconds');
  const actionFile = join(dir, 'actions');
  const setIdle = (seconds: number) => writeFileSync(idleFile, String(seconds));
  const me = async () => (await listWorkers(t)).find((w) => w.workerId === ID)!;
  const actions = () => (existsSync(actionFile) ? readFileSync(actionFile, 'utf8').split('\n').filter(Boolean) : []);
  const power = async (body: Record<string, unknown>) => {
    const res = await c.api('POST', '/api/workers/power', { body: { workerIds: [ID], ...body } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  /** Two more heartbeats than now: whatever the worker was told has reached it and been answered. */
  const twoBeats = async () => {
    const from = (await me()).lastHeartbeat;
    await waitFor('two heartbeats', async () => ((await me()).lastHeartbeat > from + 500 ? true : undefined), 10_000, 100);
  };
  const start = () => {
    worker = startCli(
      [
        'worker',
        '--server',
        c.url,
        '--id',
        ID,
        '--work-dir',
        workDir,
        '--idle-file',
        idleFile,
        '--heartbeat-interval',
        '0.5',
        // The action in the environment, never in the command's text; the file is all that happens.
        '--power-command',
        `printf '%s %s\\n' "$CMDX_POWER_ACTION" "$CMDX_POWER_DELAY" >> '${actionFile}'`,
      ],
      { CMDX_JOIN_TOKEN: c.tokens.joinToken },
    );
    return waitFor('the worker idle', async () => ((await me())?.status === 'idle' ? true : undefined), 20_000);
  };

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    setIdle(3600);
    await start();
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports its interfaces when it registers', async () => {
    assert.deepEqual((await me()).interfaces, lanInterfaces());
    assert.equal((await me()).inUse, false);
  });

  it('with a delay: tells the PC and the dashboard when, takes no job, stops the running job, then runs the command with the action', async () => {
    const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo started; sleep 60');
    await waitForJob(t, jobId, (j) => j.status === 'running' && j.stdout.includes('started'), 20_000);
    const asked = Date.now();
    assert.deepEqual(await power({ action: 'shutdown', delaySeconds: 2 }), { success: true, accepted: [ID], inUse: [], offline: [] });
    const notice = await worker!.waitForLog((l) => /will shut down in 2 s \(at \d\d:\d\d\), as the lab's admin asked: save your work/.test(l.msg));
    assert.equal(notice.level, 'warn');
    const shown = await waitFor('powering off on the dashboard', async () => {
      const w = await me();
      return w.power?.state === 'powering_off' ? w : undefined;
    });
    assert.match(shown.availabilityReason, /^Shutting down at \d\d:\d\d \(asked by the lab's admin\)$/);
    assert.ok(shown.power.at >= asked + 1500, 'it happens after the delay');
    // Meanwhile a new job waits: this PC takes none.
    const waiting = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo should-not-run-here');
    await waitFor('the command', () => (actions().length > 0 ? true : undefined), 15_000);
    const ranAfter = Date.now() - asked;
    assert.deepEqual(actions(), ['shutdown 2']);
    assert.ok(ranAfter >= 2000, `the command ran ${ranAfter} ms after the request`);
    const stopped = await waitForJob(t, jobId);
    assert.equal(stopped.status, 'failed');
    assert.equal(stopped.endReason, 'worker_shutdown');
    assert.match(stopped.errorMessage, /admin asked this PC to shut down/);
    assert.equal((await jobStatus(t, waiting)).status, 'pending');
    await c.api('POST', '/api/jobs/cancel', { body: { jobId: waiting } });
  });

  it('a worker that stops while powering off says so: the dashboard shows it shut down, not lost; back, it forgets the action', async () => {
    await worker!.kill('SIGTERM');
    const gone = await me();
    assert.equal(gone.status, 'offline');
    assert.equal(gone.power.state, 'powering_off');
    await start();
    assert.equal((await me()).power, null);
  });

  it('skips the action while the PC is in use (known from its last heartbeat), and goes ahead with force', async () => {
    setIdle(5); // a student at the PC
    await waitFor('in use on the dashboard', async () => ((await me()).inUse ? true : undefined));
    assert.deepEqual(await power({ action: 'reboot' }), { success: true, accepted: [], inUse: [ID], offline: [] });
    await twoBeats();
    assert.deepEqual(actions(), ['shutdown 2'], 'nothing ran');
    assert.equal((await me()).power, null);
    assert.deepEqual(await power({ action: 'reboot', force: true }), { success: true, accepted: [ID], inUse: [], offline: [] });
    await waitFor('the forced command', () => (actions().length === 2 ? true : undefined), 15_000);
    assert.deepEqual(actions(), ['shutdown 2', 'reboot 0']);
    assert.equal((await me()).power.state, 'powering_off');
  });

  it('a PC someone started using after its last heartbeat skips the action itself and reports it', async () => {
    // The coordinator still believes the PC is free: its heartbeats said so until now.
    await worker!.kill('SIGTERM');
    setIdle(3600);
    await start();
    await waitFor('free on the dashboard', async () => ((await me()).inUse ? undefined : true));
    // The worker reads the idle file at once when the action arrives (in its long poll's answer), before its next check tells the coordinator.
    setIdle(1);
    const answer = await power({ action: 'logoff' });
    console.log(answer.inUse.length > 0 ? 'known in use at request time (its check won the race)' : 'skipped by the worker on arrival');
    if (answer.inUse.length > 0) {
      // Its policy check (once a second) won the race and told the coordinator first: skipped at request time.
      assert.deepEqual(answer, { success: true, accepted: [], inUse: [ID], offline: [] });
    } else {
      const reported = await waitFor('the skip reported', async () => {
        const w = await me();
        return w.power?.state === 'in_use' ? w.power : undefined;
      });
      assert.equal(reported.action, 'logoff');
    }
    assert.deepEqual(actions(), ['shutdown 2', 'reboot 0'], 'nothing ran');
  });
});
