/** The job lifecycle's decisions, table-driven, without a database. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertLegal,
  onAssign,
  onCancel,
  onHeartbeat,
  onOverdue,
  onWorkerGone,
  onWorkerReport,
  TIMEOUT_GRACE_MS,
  UNDELIVERED_GRACE_MS,
  type JobFacts,
  type Transition,
} from '../../../electron/core/coordinator/jobs/lifecycle.ts';

const NOW = 1_000_000_000;

function job(patch: Partial<JobFacts> = {}): JobFacts {
  return {
    jobId: 'job-1',
    status: 'running',
    workerId: 'w1',
    attempts: 1,
    maxAttempts: 1,
    cancelRequested: false,
    startedAt: NOW - 1000,
    timeoutSeconds: 60,
    suspendedSince: null,
    suspendedMs: 0,
    endedBy: null,
    errorMessage: null,
    ...patch,
  };
}

/** A transition in a few words, so each table row reads as a sentence. */
function brief(t: Transition | null): string {
  if (!t) return 'nothing';
  if (t.kind === 'end') return `end ${t.status} (${t.endReason}${t.exitCode === null ? '' : `, exit ${t.exitCode}`}) by ${t.endedBy}`;
  if (t.kind === 'requeue') return t.refundAttempt ? 'requeue, attempt refunded' : 'requeue';
  if (t.kind === 'start') return `start on ${t.workerId}`;
  return 'request cancel';
}

describe('job lifecycle', () => {
  describe('a worker reports the end of a job', () => {
    const rows: [string, JobFacts | undefined, string, Parameters<typeof onWorkerReport>[2], string][] = [
      ['exit 0', job(), 'w1', { kind: 'result', exitCode: 0 }, 'end completed (exit, exit 0) by worker'],
      ['exit 3 is still completed (the commands ran)', job(), 'w1', { kind: 'result', exitCode: 3 }, 'end completed (exit, exit 3) by worker'],
      ['a failure without a reason', job(), 'w1', { kind: 'failure', errorMessage: 'download failed' }, 'end failed (error) by worker'],
      ['a timeout', job(), 'w1', { kind: 'failure', errorMessage: 'timed out after 5 s', endReason: 'timeout' }, 'end failed (timeout) by worker'],
      [
        'a restart of the worker',
        job(),
        'w1',
        { kind: 'failure', errorMessage: 'worker restarted', endReason: 'worker_restarted' },
        'end failed (worker_restarted) by worker',
      ],
      [
        'a result after a cancel request: the commands had ended, their result stands',
        job({ cancelRequested: true }),
        'w1',
        { kind: 'result', exitCode: 1 },
        'end completed (exit, exit 1) by worker',
      ],
      ['a failure after a cancel request', job({ cancelRequested: true }), 'w1', { kind: 'failure', errorMessage: 'x' }, 'end cancelled (cancelled) by worker'],
      ['a repeat of an accepted report', job({ status: 'completed', endedBy: 'worker' }), 'w1', { kind: 'result', exitCode: 0 }, 'nothing'],
    ];
    for (const [name, facts, workerId, report, expected] of rows) {
      it(`${name}: ${expected}`, () => {
        const decision = onWorkerReport(facts, workerId, report);
        assert.ok(decision.ok);
        assert.equal(brief(decision.transition), expected);
      });
    }

    const refusals: [string, JobFacts | undefined, string, string][] = [
      ['an unknown job', undefined, 'w1', 'job_not_found'],
      ["another worker's job", job(), 'w2', 'not_assigned'],
      ['a job the coordinator already ended', job({ status: 'failed', endedBy: 'coordinator', errorMessage: 'lost' }), 'w1', 'already_ended'],
    ];
    for (const [name, facts, workerId, reason] of refusals) {
      it(`refuses ${name} (${reason})`, () => {
        const decision = onWorkerReport(facts, workerId, { kind: 'result', exitCode: 0 });
        assert.equal(decision.ok, false);
        assert.equal(!decision.ok && decision.reason, reason);
      });
    }

    it('gives a default sentence to a failure without a message', () => {
      const decision = onWorkerReport(job(), 'w1', { kind: 'failure', errorMessage: '' });
      assert.ok(decision.ok && decision.transition);
      assert.match(decision.transition.errorMessage!, /without a message/);
    });
  });

  describe('cancel', () => {
    const rows: [string, JobFacts | undefined, string][] = [
      ['a pending job ends at once', job({ status: 'pending', workerId: null }), 'end cancelled (cancelled) by coordinator'],
      ['a running job is flagged for its worker', job(), 'request cancel'],
      ['an ended job is refused', job({ status: 'completed' }), 'refused: already_ended'],
      ['an unknown job is refused', undefined, 'refused: job_not_found'],
    ];
    for (const [name, facts, expected] of rows) {
      it(`${name}`, () => {
        const decision = onCancel(facts);
        assert.equal(decision.ok ? brief(decision.transition) : `refused: ${decision.reason}`, expected);
      });
    }
  });

  describe('a worker is gone (lost or restarted)', () => {
    const rows: [string, JobFacts, 'worker_lost' | 'worker_restarted', string][] = [
      ['lost, no attempts left: failed', job(), 'worker_lost', 'end failed (worker_lost) by coordinator'],
      ['restarted, no attempts left: failed', job(), 'worker_restarted', 'end failed (worker_restarted) by coordinator'],
      ['lost with attempts left: back to the queue', job({ maxAttempts: 3 }), 'worker_lost', 'requeue'],
      ['lost after a cancel request: cancelled', job({ cancelRequested: true, maxAttempts: 3 }), 'worker_lost', 'end cancelled (cancelled) by coordinator'],
    ];
    for (const [name, facts, cause, expected] of rows) {
      it(name, () => assert.equal(brief(onWorkerGone(facts, cause, 'gone')), expected));
    }
  });

  describe('heartbeat reconciliation', () => {
    const old = NOW - UNDELIVERED_GRACE_MS - 1;
    const rows: [string, JobFacts, Parameters<typeof onHeartbeat>[1], string, boolean][] = [
      ['the worker runs it: nothing to do', job(), { workerId: 'w1', reportedJobId: 'job-1', now: NOW }, 'nothing', false],
      [
        'the worker runs it and a cancel is pending: pass it on',
        job({ cancelRequested: true }),
        { workerId: 'w1', reportedJobId: 'job-1', now: NOW },
        'nothing',
        true,
      ],
      [
        'a restarted worker: lost',
        job(),
        { workerId: 'w1', reportedJobId: null, restarted: true, now: NOW },
        'end failed (worker_restarted) by coordinator',
        false,
      ],
      [
        'not mentioned long after assignment: undelivered, attempt refunded',
        job({ startedAt: old }),
        { workerId: 'w1', reportedJobId: null, now: NOW },
        'requeue, attempt refunded',
        false,
      ],
      [
        'undelivered after a cancel request: cancelled',
        job({ startedAt: old, cancelRequested: true }),
        { workerId: 'w1', reportedJobId: null, now: NOW },
        'end cancelled (cancelled) by coordinator',
        false,
      ],
      ['not mentioned but just assigned: still on its way', job({ startedAt: NOW - 100 }), { workerId: 'w1', reportedJobId: null, now: NOW }, 'nothing', false],
      ['a beat that says nothing about jobs: nothing', job({ startedAt: old }), { workerId: 'w1', now: NOW }, 'nothing', false],
    ];
    for (const [name, facts, beat, expected, cancel] of rows) {
      it(name, () => {
        const decision = onHeartbeat(facts, beat);
        assert.equal(brief(decision.transition), expected);
        assert.equal(decision.cancel, cancel);
      });
    }
  });

  describe('timeout without a report', () => {
    const rows: [string, JobFacts, string][] = [
      ['inside its timeout: nothing', job({ startedAt: NOW - 10_000 }), 'nothing'],
      ['past its timeout but within the grace: nothing', job({ startedAt: NOW - 60_000 - TIMEOUT_GRACE_MS + 10 }), 'nothing'],
      ['past timeout and grace: failed', job({ startedAt: NOW - 60_000 - TIMEOUT_GRACE_MS - 10 }), 'end failed (timeout) by coordinator'],
      ['a pending job never times out here', job({ status: 'pending', startedAt: null }), 'nothing'],
      ['on hold (the student at the PC), long past its timeout: nothing', job({ startedAt: NOW - 3_600_000, suspendedSince: NOW - 3_500_000 }), 'nothing'],
      ['held before: its time on hold does not count', job({ startedAt: NOW - 60_000 - TIMEOUT_GRACE_MS - 10, suspendedMs: 30_000 }), 'nothing'],
      [
        'held before, and past timeout and grace all the same',
        job({ startedAt: NOW - 90_000 - TIMEOUT_GRACE_MS - 10, suspendedMs: 30_000 }),
        'end failed (timeout) by coordinator',
      ],
    ];
    for (const [name, facts, expected] of rows) {
      it(name, () => assert.equal(brief(onOverdue(facts, NOW)), expected));
    }
  });

  describe('assignment', () => {
    const pending = job({ status: 'pending', workerId: null, startedAt: null, attempts: 0 });
    const rows: [string, Parameters<typeof onAssign>[0], string][] = [
      ['an idle worker and a pending job: start', { workerId: 'w1', workerExists: true, runningJobId: null, next: pending }, 'start on w1'],
      ['no idle worker (seed get-job)', { workerId: undefined, workerExists: false, runningJobId: null, next: pending }, 'refused: no_idle_worker'],
      ['an unknown worker', { workerId: 'w9', workerExists: false, runningJobId: null, next: pending }, 'refused: worker_not_found'],
      ['a busy worker', { workerId: 'w1', workerExists: true, runningJobId: 'job-0', next: pending }, 'refused: worker_busy'],
      ['no pending job', { workerId: 'w1', workerExists: true, runningJobId: null, next: undefined }, 'refused: no_pending_job'],
    ];
    for (const [name, input, expected] of rows) {
      it(name, () => {
        const decision = onAssign(input);
        assert.equal(decision.ok ? brief(decision.transition) : `refused: ${decision.reason}`, expected);
      });
    }
  });

  describe('the state machine guard', () => {
    const rows: [string, JobFacts['status'], Transition, boolean][] = [
      ['pending -> running', 'pending', { kind: 'start', workerId: 'w1' }, true],
      ['running -> pending (retry)', 'running', { kind: 'requeue', refundAttempt: false }, true],
      ['running -> completed', 'running', { kind: 'end', status: 'completed', endReason: 'exit', exitCode: 0, errorMessage: null, endedBy: 'worker' }, true],
      ['completed -> running', 'completed', { kind: 'start', workerId: 'w1' }, false],
      ['pending -> completed', 'pending', { kind: 'end', status: 'completed', endReason: 'exit', exitCode: 0, errorMessage: null, endedBy: 'worker' }, false],
      ['a cancel flag on a pending job', 'pending', { kind: 'request-cancel' }, false],
      ['failed -> pending', 'failed', { kind: 'requeue', refundAttempt: true }, false],
    ];
    for (const [name, status, transition, legal] of rows) {
      it(`${name} is ${legal ? 'legal' : 'refused'}`, () => {
        const check = () => assertLegal({ jobId: 'job-1', status }, transition);
        if (legal) assert.doesNotThrow(check);
        else assert.throws(check, /Illegal job transition/);
      });
    }
  });
});
