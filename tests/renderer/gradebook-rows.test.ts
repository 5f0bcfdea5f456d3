/** The gradebook's rows: a re-run attempt keeps its student and comment, sorting puts empty cells last either way, filters by name and verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LaterAttempt, RunJobRow } from '../../shared/api.ts';
import { filterRows, gradeRows, isFailing, nextSort, sortRows } from '../../renderer/features/runs/gradebook-rows.ts';

function job(jobId: string, student: string | null, extra: Partial<RunJobRow> = {}): RunJobRow {
  return {
    jobId,
    workerId: 'pc-1',
    hostname: 'pc-1',
    workerName: 'pc-1',
    filename: `${jobId}.zip`,
    status: 'completed',
    exitCode: 0,
    endReason: 'exit',
    errorMessage: null,
    score: null,
    durationMs: 1000,
    startedAt: 1,
    completedAt: 2,
    outputDigest: null,
    tests: null,
    verdict: 'passed',
    student: student === null ? null : { student, id: `id-${jobId}`, email: null },
    points: null,
    maxPoints: null,
    firstFailure: null,
    comment: null,
    ...extra,
  } as RunJobRow;
}

const own = [
  job('alice', 'Alice Martin', { points: 10, maxPoints: 10 }),
  job('bob', 'Bob Chen', { verdict: 'failed', exitCode: 1, points: 5, maxPoints: 10, comment: 'Loop again', firstFailure: { test: 'sort.b', message: null } }),
  job('carol', 'Carol Diaz', { status: 'failed', exitCode: null, endReason: 'timeout', verdict: 'timed_out', durationMs: 10_000 }),
  job('dave', null, { verdict: 'failed', exitCode: 1, points: 5, maxPoints: 10, firstFailure: { test: 'sort.a', message: null } }),
];

describe('the gradebook rows', () => {
  it("shows a re-run's newest attempt with the first attempt's student and comment, and re-runs the first attempt's job", () => {
    const later: LaterAttempt = { ...job('bob-2', null, { filename: 'bob.zip', points: 10, maxPoints: 10 }), runId: 'run-2', replaces: 'bob' };
    const rows = gradeRows([own[0]!, later, own[2]!, own[3]!], own);
    assert.deepEqual(
      rows.map((r) => [r.student, r.ownJobId, r.comment]),
      [
        ['Alice Martin', 'alice', null],
        ['Bob Chen', 'bob', 'Loop again'],
        ['Carol Diaz', 'carol', null],
        ['dave', 'dave', null],
      ],
    );
    assert.equal(rows[1]!.job.jobId, 'bob-2');
  });

  it('sorts by each column, empty cells last whichever way', () => {
    const rows = gradeRows(own, own);
    const order = (key: Parameters<typeof nextSort>[1], dir: 'ascending' | 'descending') => sortRows(rows, { key, dir }).map((r) => r.job.jobId);
    assert.deepEqual(order('points', 'descending'), ['alice', 'bob', 'dave', 'carol']);
    assert.deepEqual(order('points', 'ascending'), ['bob', 'dave', 'alice', 'carol']);
    assert.deepEqual(order('verdict', 'ascending'), ['alice', 'bob', 'dave', 'carol']);
    assert.deepEqual(order('failure', 'ascending'), ['dave', 'bob', 'alice', 'carol'], 'sort.a, sort.b, then none (by student)');
    assert.deepEqual(order('duration', 'descending'), ['carol', 'alice', 'bob', 'dave']);
    assert.deepEqual(order('student', 'ascending'), ['alice', 'bob', 'carol', 'dave']);
    assert.deepEqual(nextSort({ key: 'student', dir: 'ascending' }, 'points'), { key: 'points', dir: 'descending' }, 'most points first');
    assert.deepEqual(nextSort({ key: 'points', dir: 'descending' }, 'points'), { key: 'points', dir: 'ascending' });
  });

  it('filters by name, id or zip, and by verdict; the failing are failed, timed out or error', () => {
    const rows = gradeRows(own, own);
    assert.deepEqual(
      filterRows(rows, 'CHEN', 'all').map((r) => r.job.jobId),
      ['bob'],
    );
    assert.deepEqual(
      filterRows(rows, 'id-car', 'all').map((r) => r.job.jobId),
      ['carol'],
    );
    assert.deepEqual(
      filterRows(rows, '', 'failed').map((r) => r.job.jobId),
      ['bob', 'dave'],
    );
    assert.deepEqual(filterRows(rows, '', 'unfinished'), []);
    assert.deepEqual(
      rows.filter(isFailing).map((r) => r.job.jobId),
      ['bob', 'carol', 'dave'],
    );
  });
});
