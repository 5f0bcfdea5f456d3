/** A row of a run's jobs (the jobs table joined with its worker's names) as the API shows it. */
import type { RunJobRow, TestCounts } from '../../../../../shared/api.ts';
import { END_REASONS, JOB_STATUSES } from '../../../../../shared/job-status.ts';
import { verdictOf } from '../../../../../shared/verdict.ts';
import { int, intOrNull, numberOrNull, oneOf, text, textOrNull, type Row } from '../row.ts';
import { suspension } from './job-rows.ts';

export function toRunJobRow(row: Row): RunJobRow {
  const startedAt = intOrNull(row, 'started_at');
  const completedAt = intOrNull(row, 'completed_at');
  const status = oneOf(row, 'status', JOB_STATUSES);
  const exitCode = intOrNull(row, 'exit_code');
  const endReason = row.end_reason === null ? null : oneOf(row, 'end_reason', END_REASONS);
  const tests = row.tests === null ? null : (JSON.parse(text(row, 'tests')) as TestCounts);
  const held = suspension({ status, suspendedSince: intOrNull(row, 'suspended_since'), suspendedMs: int(row, 'suspended_ms') });
  return {
    jobId: text(row, 'job_id'),
    workerId: textOrNull(row, 'worker_id') ?? textOrNull(row, 'target_worker'),
    hostname: textOrNull(row, 'worker_hostname'),
    workerName: textOrNull(row, 'worker_name') ?? textOrNull(row, 'worker_hostname'),
    filename: text(row, 'filename'),
    status,
    exitCode,
    endReason,
    errorMessage: textOrNull(row, 'error_message'),
    score: row.score === null ? null : (JSON.parse(text(row, 'score')) as number | string),
    // Running time: the time it spent on hold (the student at the PC) does not count.
    durationMs: startedAt !== null && completedAt !== null ? completedAt - startedAt - held.suspendedMs : null,
    startedAt,
    completedAt,
    outputDigest: textOrNull(row, 'output_digest'),
    tests,
    verdict: verdictOf({ status, exitCode, endReason, tests }),
    ...held,
    student: null, // the run's students CSV names them (runs/runs.ts)
    points: numberOrNull(row, 'points'),
    maxPoints: numberOrNull(row, 'max_points'),
    firstFailure: row.first_failure === null ? null : (JSON.parse(text(row, 'first_failure')) as RunJobRow['firstFailure']),
    comment: textOrNull(row, 'comment'),
  };
}
