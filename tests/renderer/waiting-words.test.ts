/** Why a job waits and until when, in words a teacher can place: the tile's reason, a dated deadline, one state per job. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { when } from '../../renderer/lib/format.ts';
import { broadcastText } from '../../renderer/features/new-job/broadcast-words.ts';
import { jobOutcome } from '../../renderer/lib/job-outcome.ts';
import { tileState, waitReason } from '../../renderer/features/runs/tile-state.ts';
import { workerStatus } from '../../renderer/lib/worker-state.ts';
import { hourMinute, onHoldText, runningMs } from '../../shared/on-hold.ts';
import { workerDto } from '../helpers/worker-dto.ts';

const at = (h: number, m: number, dayOffset = 0) => new Date(2026, 11, 6 + dayOffset, h, m).getTime();

describe('why a job waits, and until when', () => {
  it('dates a deadline: today, tomorrow, a later day, or already past', () => {
    const now = at(10, 22);
    assert.equal(when(at(13, 22), now), `today ${new Date(at(13, 22)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (in 3 h 0 min)`);
    assert.match(when(at(10, 22, 1), now), /^tomorrow .+ \(in 24 h 0 min\)$/);
    const later = when(at(10, 22, 3), now);
    assert.match(later, /\(in 3 days\)$/);
    assert.doesNotMatch(later, /^(today|tomorrow)/, 'a later day is named by its date');
    assert.match(when(at(10, 17), now), /^today .+ \(5 min ago\)$/);
  });

  it("gives a waiting tile its PC's reason, in the worker row's words", () => {
    const job = { status: 'pending' as const, workerId: 'pc-1' };
    assert.equal(waitReason(job, workerDto('pc-1', { available: false, availabilityReason: 'PC in use since 10:23' })), 'PC in use since 10:23');
    assert.equal(waitReason(job, workerDto('pc-1', { status: 'offline' })), 'its PC is offline');
    assert.equal(waitReason(job, workerDto('pc-1', { pausedByAdmin: true })), 'its PC is paused');
    assert.equal(waitReason(job, workerDto('pc-1', { status: 'busy' })), 'its PC runs another job');
    assert.equal(waitReason(job, workerDto('pc-1')), null, 'a free PC: it simply takes its turn');
    assert.equal(waitReason({ status: 'running', workerId: 'pc-1' }, workerDto('pc-1', { available: false })), null);
  });

  it('says before a broadcast which PCs are in use by students and which are offline, and that their jobs wait', () => {
    const base = { count: 5, offline: 0, inUse: 0, deadlineSeconds: 24 * 3600 };
    assert.equal(broadcastText(base), 'All 5 are online and free: they start at once.');
    assert.equal(broadcastText({ ...base, inUse: 2 }), '2 PCs are in use by students: their jobs start when they are free.');
    assert.equal(
      broadcastText({ ...base, inUse: 1, offline: 1 }),
      '1 PC is in use by students: its job starts when it is free. 1 PC is offline; its job waits up to 24 h.',
    );
  });

  it('calls a job that has not started "Waiting", one word everywhere', () => {
    assert.equal(jobOutcome({ status: 'pending', exitCode: null }).label, 'Waiting');
  });
});

describe('on hold, one state', () => {
  const since = at(10, 23);
  it('a running job on hold is On hold, with since when, on the badge, the tile and the worker', () => {
    assert.equal(jobOutcome({ status: 'running', exitCode: null, suspendedSince: since }).label, `On hold (student at the PC since ${hourMinute(since)})`);
    assert.equal(onHoldText(since), 'On hold (student at the PC since 10:23)');
    assert.equal(tileState({ status: 'running', exitCode: null, suspended: true }, false), 'onhold');
    assert.equal(workerStatus(workerDto('pc-1', { status: 'busy', suspendedSince: since })), 'onhold');
    assert.equal(workerStatus(workerDto('pc-1', { status: 'busy' })), 'busy');
  });

  it('its running time stops while it holds, and leaves out the time it held before', () => {
    const job = { startedAt: at(10, 0), completedAt: null, suspendedSince: at(10, 20), suspendedMs: 5 * 60_000 };
    assert.equal(runningMs(job, at(10, 40)), 15 * 60_000, '20 min to the hold, less the 5 held before');
    assert.equal(runningMs({ ...job, suspendedSince: null }, at(10, 40)), 35 * 60_000);
    assert.equal(runningMs({ ...job, startedAt: null }, at(10, 40)), null);
  });
});
