/** The gradebook files: Moodle's feedback column says the verdict in the words the student reads elsewhere (feedback, dashboard), never its code. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunJobRow } from '../../../../shared/api.ts';
import { moodleCsv } from '../../../../electron/core/coordinator/grading/gradebook.ts';
import { parseCsv } from '../../../helpers/csv.ts';

function row(patch: Partial<RunJobRow>): RunJobRow {
  return {
    jobId: 'job-1',
    workerId: 'pc-1',
    hostname: 'pc-1',
    workerName: 'pc-1',
    filename: 'carol.zip',
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
    student: { student: 'Carol Diaz', id: 's1003', email: 'carol@example.edu' },
    points: null,
    maxPoints: null,
    firstFailure: null,
    comment: null,
    ...patch,
  } as RunJobRow;
}

describe('moodleCsv', () => {
  it("words each verdict as the feedback files do (Timed out, not timed_out), or keeps the teacher's comment", () => {
    const rows = [
      row({ status: 'failed', exitCode: null, endReason: 'timeout', verdict: 'timed_out' }),
      row({
        filename: 'bob.zip',
        exitCode: 1,
        verdict: 'failed',
        tests: { total: 3, passed: 2, failed: 1, skipped: 0 },
        firstFailure: { test: 'sort.test_a', message: null },
      }),
      row({ filename: 'dan.zip', status: 'running', exitCode: null, endReason: null, verdict: null }),
      row({ filename: 'eve.zip', verdict: 'error', comment: 'Your PC crashed; we ran it again.' }),
    ];
    const feedback = parseCsv(moodleCsv(rows).trim())
      .slice(1)
      .map((r) => r[4]);
    assert.deepEqual(feedback, ['Timed out', 'Failed, 2/3 tests passed; first failing test: sort.test_a', 'Not finished', 'Your PC crashed; we ran it again.']);
  });
});
