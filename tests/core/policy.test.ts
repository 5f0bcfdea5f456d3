/** The lab's policy, pure: windows, availability and its reasons, and the watch that freezes a job when the PC's user returns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyWatch } from '../../electron/core/worker/policy-watch.ts';
import { availability, DEFAULT_POLICY, inWindows, nextOpening, parseWindows, type WorkerPolicy } from '../../shared/policy.ts';

const at = (day: number, hh: number, mm = 0) => new Date(2026, 10, 22 + day, hh, mm); // 2026-11-22 is a Sunday

describe('policy windows', () => {
  it('reads day ranges, times past midnight and "all day", and says what it cannot read', () => {
    const w = parseWindows('Mon-Fri 18:00-07:30; Sat-Sun all day');
    assert.equal(inWindows(w, at(1, 19)), true, 'Monday evening');
    assert.equal(inWindows(w, at(2, 7, 15)), true, 'Tuesday early morning belongs to Monday night');
    assert.equal(inWindows(w, at(2, 12)), false, 'Tuesday noon: class hours');
    assert.equal(inWindows(w, at(6, 7, 15)), true, 'Saturday is all day anyway');
    assert.equal(inWindows(w, at(1, 7, 15)), false, 'Monday 07:15: Sunday ended at 24:00 and no Sunday-night window runs into Monday');
    assert.throws(() => parseWindows('weekdays 9-5'), /"weekdays 9-5" is not a window: write it like "Mon-Fri 18:00-07:30"/);
    assert.throws(() => parseWindows('Mon 25:00-26:00'), /times run from 00:00 to 24:00/);
    assert.throws(() => parseWindows(''), /at least one window/);
  });

  it('finds the next opening, for "outside its hours until 18:00"', () => {
    const w = parseWindows('Mon-Fri 18:00-07:30');
    assert.deepEqual(nextOpening(w, at(2, 12)), at(2, 18));
    const policy: WorkerPolicy = { ...DEFAULT_POLICY, when: 'schedule', windows: 'Mon-Fri 18:00-07:30' };
    assert.deepEqual(availability(policy, at(2, 12), null), { available: false, reason: 'outside its hours until 18:00' });
    assert.deepEqual(availability(policy, at(6, 12), null), { available: false, reason: 'outside its hours until Mon 18:00' });
    assert.deepEqual(availability(policy, at(2, 19), null), { available: true, reason: null });
  });

  it('says since when the PC is in use, and treats idle as always where idle time cannot be measured', () => {
    const policy: WorkerPolicy = { ...DEFAULT_POLICY, when: 'idle', idleMinutes: 10 };
    assert.deepEqual(availability(policy, at(2, 10, 45), 180), {
      available: false,
      reason: 'PC in use since 10:42 (jobs run after 10 min without keyboard or mouse)',
    });
    assert.equal(availability(policy, at(2, 10, 45), 600).available, true);
    assert.equal(availability(policy, at(2, 10, 45), null).available, true);
  });
});

describe('policy watch', () => {
  function watch(policy: WorkerPolicy, idle: { s: number | null }, clock: { t: number }) {
    const events: string[] = [];
    const w = new PolicyWatch({
      idle: { name: 'fake', idleSeconds: () => idle.s },
      now: () => clock.t,
      onChange: (a) => events.push(a.available ? 'available' : `waiting: ${a.reason}`),
      onCancel: () => events.push('cancel'),
      onNoIdleSource: () => events.push('no idle source'),
    });
    w.setPolicy(policy);
    return { w, events };
  }

  it('freezes a running job when the user returns and thaws it when the PC is idle again', () => {
    const idle = { s: 3600 as number | null };
    const { w, events } = watch({ ...DEFAULT_POLICY, when: 'idle', idleMinutes: 5, onUserReturn: 'suspend' }, idle, { t: at(2, 10).getTime() });
    const seen: boolean[] = [];
    w.subscribe((s) => seen.push(s));
    w.setBusy(true);
    idle.s = 2;
    w.check();
    assert.equal(w.suspended, true);
    idle.s = 400;
    w.check();
    assert.deepEqual(seen, [true, false]);
    assert.deepEqual(events.slice(-2), ['waiting: PC in use since 09:59 (jobs run after 5 min without keyboard or mouse)', 'available']);
  });

  it('cancels instead when the policy says so, and lets a job finish with "finish"', () => {
    const idle = { s: 3600 as number | null };
    const cancel = watch({ ...DEFAULT_POLICY, when: 'idle', onUserReturn: 'cancel' }, idle, { t: 0 });
    cancel.w.setBusy(true);
    idle.s = 0;
    cancel.w.check();
    assert.ok(cancel.events.includes('cancel'));
    const finish = watch({ ...DEFAULT_POLICY, when: 'idle', onUserReturn: 'finish' }, { s: 0 }, { t: 0 });
    finish.w.setBusy(true);
    finish.w.check();
    assert.equal(finish.w.suspended, false);
    assert.ok(!finish.events.includes('cancel'));
  });

  it('opens at the start of a schedule window as the clock reaches it', () => {
    const clock = { t: at(2, 17, 59).getTime() };
    const { w } = watch({ ...DEFAULT_POLICY, when: 'schedule', windows: 'Mon-Fri 18:00-07:30' }, { s: null }, clock);
    assert.equal(w.availability.available, false);
    clock.t = at(2, 18, 0).getTime();
    w.check();
    assert.equal(w.availability.available, true);
  });

  it('warns once when the policy needs idle time and the PC cannot tell', () => {
    const { w, events } = watch({ ...DEFAULT_POLICY, when: 'idle' }, { s: null }, { t: 0 });
    w.check();
    assert.deepEqual(
      events.filter((e) => e === 'no idle source'),
      ['no idle source'],
    );
    assert.equal(w.availability.available, true);
  });
});
