/** A job's verdict from its state, exit code, end reason and tests, and how the dashboard words and marks it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { END_REASONS } from '../../shared/job-status.ts';
import { verdictOf } from '../../shared/verdict.ts';
import { jobOutcome } from '../../renderer/lib/job-outcome.ts';
import { tileState } from '../../renderer/features/runs/tile-state.ts';

describe('verdicts', () => {
  it('has none while the job waits or runs', () => {
    assert.equal(verdictOf({ status: 'pending', exitCode: null, endReason: null }), null);
    assert.equal(verdictOf({ status: 'running', exitCode: null, endReason: null }), null);
  });

  it('passes on exit 0 without a failed test, and fails on a non-zero exit or a failed test', () => {
    assert.equal(verdictOf({ status: 'completed', exitCode: 0, endReason: 'exit' }), 'passed');
    assert.equal(verdictOf({ status: 'completed', exitCode: 0, endReason: 'exit', tests: { failed: 0 } }), 'passed');
    assert.equal(verdictOf({ status: 'completed', exitCode: 0, endReason: 'exit', tests: { failed: 2 } }), 'failed', 'a runner that exits 0 on failures');
    assert.equal(verdictOf({ status: 'completed', exitCode: 1, endReason: 'exit' }), 'failed');
  });

  it('tells a timeout, a cancel and the lab failing the job apart, for every end reason', () => {
    const verdicts = Object.fromEntries(END_REASONS.map((reason) => [reason, verdictOf({ status: 'failed', exitCode: null, endReason: reason })]));
    assert.equal(verdicts.timeout, 'timed_out');
    assert.equal(verdicts.pc_in_use, 'cancelled');
    assert.equal(verdicts.zip_refused, 'failed', "the student's zip broke the rules");
    for (const reason of ['error', 'worker_lost', 'worker_offline', 'worker_restarted', 'download_failed', 'disk_full', 'spawn_failed', 'worker_shutdown'])
      assert.equal(verdicts[reason], 'error', reason);
    assert.equal(verdictOf({ status: 'cancelled', exitCode: null, endReason: 'cancelled' }), 'cancelled');
  });

  it('shows each verdict in words with its own icon, on the badge and the tile', () => {
    const badge = (job: Parameters<typeof jobOutcome>[0]) => {
      const o = jobOutcome(job);
      return `${o.icon} ${o.label}`;
    };
    assert.equal(badge({ status: 'completed', exitCode: 0 }), 'check Passed');
    assert.equal(badge({ status: 'completed', exitCode: 2 }), 'cross Failed (exit 2)');
    assert.equal(badge({ status: 'failed', exitCode: null, endReason: 'timeout' }), 'hourglass Timed out');
    assert.equal(badge({ status: 'failed', exitCode: null, endReason: 'worker_lost' }), 'warning Error');
    assert.equal(badge({ status: 'cancelled', exitCode: null }), 'ban Cancelled');
    assert.equal(tileState({ status: 'failed', exitCode: null, endReason: 'timeout' }, false), 'timedout');
    assert.equal(tileState({ status: 'completed', exitCode: 0, tests: { total: 3, passed: 2, failed: 1, skipped: 0 } }, false), 'exit');
  });
});
