/**
 * Schedules on a fake clock: a due time runs once (ticks, a restart and a second coordinator on the
 * same database cannot run it twice); a coordinator back within the grace period runs the time it
 * missed once, and after the grace period records it as missed; overlap "skip" skips a time while the
 * previous run goes on; a paused schedule runs nothing; wake before and power after go through hooks.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { ScheduleClock } from '../../../electron/core/coordinator/templates/schedule-clock.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const MINUTE = 60_000;
/** Monday 2026-12-07, 21:59 UTC: a minute before a weekday 22:00 schedule. */
const START = Date.UTC(2026, 11, 7, 21, 59);
const TEN_PM = Date.UTC(2026, 11, 7, 22, 0);

onBothEngines('the schedule clock', () => {
  let now = START;
  let dataDir: string;
  let c: TestCoordinator;
  const start = () => startTestCoordinator({ auth: false, dataDir, now: () => now });
  const post = async (path: string, body: unknown) => {
    const res = await c.api('POST', path, { body });
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const history = (scheduleId: string) => c.context.store.schedules.history(scheduleId, 10).map((r) => [new Date(r.dueAt).toISOString(), r.outcome]);
  const schedule = async (extra: Record<string, unknown> = {}) => {
    const { templateId } = (
      await post('/api/templates/create', { name: 'nightly', commands: 'echo {{who}}', params: [{ name: 'who', type: 'text', default: 'lab' }] })
    ).template;
    return (await post('/api/schedules/create', { templateId, cron: '0 22 * * 1-5', timezone: 'UTC', ...extra })).schedule.scheduleId as string;
  };

  beforeEach(async () => {
    now = START;
    dataDir = tempDir('cmdx-schedules-');
    c = await start();
    await c.register('w1');
  });
  afterEach(async () => {
    await c?.close();
  });

  it('runs a due time once, however often it ticks, and not again after a restart or from a clock that is behind', async () => {
    const id = await schedule();
    c.context.schedules.tick();
    assert.deepEqual(history(id), [], 'not due yet');
    now = TEN_PM + 2000;
    c.context.schedules.tick();
    c.context.schedules.tick();
    assert.deepEqual(history(id), [['2026-12-07T22:00:00.000Z', 'ran']]);
    const ran = c.context.store.schedules.history(id)[0]!;
    assert.deepEqual(c.context.store.jobs.get(ran.jobId!)!.params, { who: 'lab' });
    // Another clock on the same store (as a second coordinator would be on a shared database): the time is taken.
    const other = new ScheduleClock(c.context.store);
    c.context.store.db.prepare('UPDATE schedules SET handled_until = ? WHERE schedule_id = ?').run(START, id);
    other.tick();
    assert.equal(c.context.store.jobs.counts().all, 1, 'the claimed time is not run again');
    await c.close();
    c = await start();
    c.context.schedules.tick();
    assert.deepEqual(history(id), [['2026-12-07T22:00:00.000Z', 'ran']]);
    assert.equal(c.context.store.jobs.counts().all, 1, 'one job in all');
  });

  it('runs a time missed while it was down once when back within the grace period, and records it missed after', async () => {
    const id = await schedule({ graceMinutes: 30 });
    await c.close();
    now = TEN_PM + 20 * MINUTE; // down over 22:00, back 20 minutes late
    c = await start();
    c.context.schedules.tick();
    assert.deepEqual(history(id), [['2026-12-07T22:00:00.000Z', 'ran']]);
    await c.close();
    now = TEN_PM + 24 * 60 * MINUTE + 45 * MINUTE; // down over Tuesday 22:00, back 45 minutes late
    const missed: number[] = [];
    c = await start();
    new ScheduleClock(c.context.store, { missed: (_s, dueAt) => missed.push(dueAt) }).tick();
    assert.deepEqual(history(id), [
      ['2026-12-08T22:00:00.000Z', 'missed'],
      ['2026-12-07T22:00:00.000Z', 'ran'],
    ]);
    assert.deepEqual(missed, [Date.UTC(2026, 11, 8, 22, 0)]);
    const listed = (await c.api('GET', '/api/schedules/create')).body.schedules[0];
    assert.equal(listed.lastRun.outcome, 'missed');
  });

  it('skips a time while the previous run goes on (overlap: skip), and runs nothing while paused', async () => {
    const id = await schedule({ cron: '*/10 * * * *' });
    now = START + MINUTE + 1000; // 22:00
    c.context.schedules.tick();
    now += 10 * MINUTE; // 22:10, the 22:00 job still waiting for a worker
    c.context.schedules.tick();
    assert.deepEqual(history(id), [
      ['2026-12-07T22:10:00.000Z', 'skipped'],
      ['2026-12-07T22:00:00.000Z', 'ran'],
    ]);
    await post('/api/schedules/pause', { scheduleId: id, paused: true });
    now += 30 * MINUTE;
    c.context.schedules.tick();
    assert.equal(history(id).length, 2, 'nothing while paused');
    const resumed = await post('/api/schedules/pause', { scheduleId: id, paused: false });
    assert.equal(resumed.schedule.next[0], Date.UTC(2026, 11, 7, 22, 50), 'the time paused is not made up');
  });

  it('wakes the offline PCs before the time, and powers off the PCs it ran on after its run, only when it woke them', async () => {
    const id = await schedule({ wakeMinutesBefore: 10, after: { power: 'shutdown', onlyIfWoken: true } });
    await c.api('POST', '/api/workers/goodbye', { body: { workerId: 'w1' } });
    const woken: string[][] = [];
    const powered: [string[], string][] = [];
    const clock = new ScheduleClock(c.context.store, { wake: (ids) => woken.push(ids), power: (ids, action) => powered.push([ids, action]) });
    now = TEN_PM - 11 * MINUTE;
    clock.tick();
    assert.deepEqual(woken, [], 'not yet: eleven minutes before');
    now = TEN_PM - 9 * MINUTE;
    clock.tick();
    clock.tick();
    assert.deepEqual(woken, [['w1']], 'once, nine minutes before');
    await c.register('w1');
    now = TEN_PM + 1000;
    clock.tick();
    const jobId = c.context.store.schedules.history(id)[0]!.jobId!;
    assert.equal((await c.api('GET', '/api/jobs/get-job?workerId=w1')).body.job.jobId, jobId);
    assert.deepEqual(powered, [], 'not while its job runs');
    await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', exitCode: 0 } });
    clock.tick();
    clock.tick();
    assert.deepEqual(powered, [[['w1'], 'shutdown']]);
  });
});
