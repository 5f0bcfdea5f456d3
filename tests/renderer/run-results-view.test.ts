/** The run page's latest results (each re-run job by its newest attempt, and the counts over them) and the PC named as the dashboard names it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunJobRow } from '../../shared/api.ts';
import { latestJobs, summaryOf } from '../../renderer/features/runs/latest-attempts.ts';
import { pcName, tileName } from '../../renderer/features/runs/tile-state.ts';

const row = (jobId: string, workerId: string | null, status: RunJobRow['status'], exitCode: number | null, extra: Partial<RunJobRow> = {}): RunJobRow => ({
  jobId,
  workerId,
  hostname: workerId && `host-${workerId}`,
  workerName: workerId && `host-${workerId}`,
  filename: `${jobId}.zip`,
  status,
  exitCode,
  endReason: null,
  errorMessage: null,
  score: null,
  durationMs: null,
  startedAt: null,
  completedAt: null,
  outputDigest: null,
  tests: null,
  verdict: null,
  student: null,
  points: null,
  maxPoints: null,
  firstFailure: null,
  comment: null,
  suspended: false,
  suspendedSince: null,
  suspendedMs: 0,
  ...extra,
});

describe("a run page's latest results", () => {
  it('swaps each re-run job for its newest attempt, in the run order, and counts over what is shown', () => {
    const jobs = [row('a', 'w1', 'completed', 0), row('b', 'w2', 'completed', 1), row('c', 'w3', 'failed', null)];
    const latest = [
      { ...row('b2', 'w2', 'completed', 0), runId: 'run-2', replaces: 'b' },
      { ...row('c2', 'w3', 'pending', null), runId: 'run-2', replaces: 'c' },
    ];
    const shown = latestJobs({ jobs, latest });
    assert.deepEqual(
      shown.map((j) => j.jobId),
      ['a', 'b2', 'c2'],
    );
    assert.deepEqual(summaryOf(shown, new Set(['w3'])), { total: 3, pending: 1, running: 0, passed: 2, failed: 0, cancelled: 0, waitingOffline: 1 });
    assert.deepEqual(summaryOf(jobs, new Set()), { total: 3, pending: 0, running: 0, passed: 1, failed: 2, cancelled: 0, waitingOffline: 0 });
  });

  it("names the PC by the live feed's name, else the coordinator's (the admin's name or hostname), never a bare id while a name is known", () => {
    const job = row('a', 'w1', 'completed', 0, { workerName: 'Front row 1' });
    assert.equal(pcName(job, new Map([['w1', 'Front row 1 (live)']])), 'Front row 1 (live)');
    assert.equal(pcName(job, new Map()), 'Front row 1');
    assert.equal(pcName({ ...job, workerName: null, hostname: null }, new Map()), 'w1');
    assert.equal(pcName(row('p', null, 'pending', null), new Map()), null);
    assert.equal(tileName(job, 'map', new Map()), 'a.zip', 'a map tile is named by its zip');
    assert.equal(tileName(job, 'each', new Map()), 'Front row 1');
  });
});
