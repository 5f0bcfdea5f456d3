/**
 * A run's gradebook as files: the CSV (today's columns, then student, verdict, points, the comment and
 * one column per test case), Moodle's grade import and Canvas's gradebook CSV. Every row is a PC's or
 * zip's latest attempt; every text cell goes through toCsv, which makes formulas inert.
 */
import type { RunJobRow, RunStatusDto } from '../../../../shared/api.ts';
import { END_REASON_TEXT } from '../../../../shared/job-status.ts';
import { VERDICT_WORDS } from '../../../../shared/verdict.ts';
import { toCsv } from '../runs/csv.ts';
import type { TestCase } from './test-report.ts';

/** More test columns than this would make a spreadsheet nobody reads; the rest are left out, and a column says so. */
const MAX_TEST_COLUMNS = 200;

const COLUMNS = [
  'filename',
  'workerId',
  'hostname',
  'status',
  'exitCode',
  'endReason',
  'score',
  'tests',
  'durationSeconds',
  'startedAt',
  'completedAt',
  'errorMessage',
  'endReasonText',
  'verdict',
];

export type GradedRow = RunJobRow & { cases: TestCase[] };

/** The run's rows as exported: each job swapped for its newest re-run attempt. */
export function latestRows(status: RunStatusDto): RunJobRow[] {
  const later = new Map(status.latest.map((attempt) => [attempt.replaces, attempt]));
  return status.jobs.map((job) => {
    const newer = later.get(job.jobId);
    // A re-run keeps the student and the teacher's comment of the first attempt unless it has its own.
    return newer ? { ...newer, student: newer.student ?? job.student, comment: newer.comment ?? job.comment } : job;
  });
}

export function gradebookCsv(rows: readonly GradedRow[], graded: boolean): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const testIds = graded ? testColumns(rows) : [];
  const header = [
    ...COLUMNS,
    ...(graded ? ['student', 'studentId', 'email', 'points', 'maxPoints', 'firstFailure', 'comment', ...testIds.map((id) => `test: ${id}`)] : []),
  ];
  const body = rows.map((j) => {
    const base = [
      j.filename,
      j.workerId,
      j.hostname,
      j.status,
      j.exitCode,
      j.endReason,
      j.score,
      j.tests ? `${j.tests.passed}/${j.tests.total}` : null,
      j.durationMs === null ? null : (j.durationMs / 1000).toFixed(1),
      iso(j.startedAt),
      iso(j.completedAt),
      j.errorMessage,
      j.endReason ? END_REASON_TEXT[j.endReason] : null,
      j.verdict,
    ];
    if (!graded) return base;
    const outcomes = new Map(j.cases.map((c) => [caseKey(c), c.outcome]));
    const failure = j.firstFailure ? `${j.firstFailure.test}${j.firstFailure.message ? `: ${j.firstFailure.message.split('\n')[0]}` : ''}` : null;
    return [
      ...base,
      j.student?.student,
      j.student?.id,
      j.student?.email,
      j.points,
      j.maxPoints,
      failure,
      j.comment,
      ...testIds.map((id) => outcomes.get(id) ?? null),
    ];
  });
  return toCsv(header, body);
}

/** Moodle's grade import (Grades > Import > CSV): a column to match users by (email or ID number), the grade, and feedback. */
export function moodleCsv(rows: readonly RunJobRow[]): string {
  return toCsv(
    ['Email address', 'ID number', 'Full name', 'Grade', 'Feedback'],
    rows.map((j) => [j.student?.email, j.student?.id, j.student?.student ?? j.filename, j.points, feedbackLine(j)]),
  );
}

/** Canvas's gradebook CSV: Student, ID, SIS User ID, Section, then the assignment (named after the run) with its points possible. */
export function canvasCsv(rows: readonly RunJobRow[], assignment: string): string {
  const possible = Math.max(0, ...rows.map((j) => j.maxPoints ?? 0));
  return toCsv(
    ['Student', 'ID', 'SIS User ID', 'Section', assignment],
    [['Points Possible', null, null, null, possible], ...rows.map((j) => [j.student?.student ?? j.filename, null, j.student?.id, null, j.points])],
  );
}

/** The comment, else the verdict and first failing test: what the student reads next to the grade. */
function feedbackLine(j: RunJobRow): string {
  if (j.comment) return j.comment;
  const failure = j.firstFailure ? `; first failing test: ${j.firstFailure.test}` : '';
  return `${j.verdict ? VERDICT_WORDS[j.verdict] : 'Not finished'}${j.tests ? `, ${j.tests.passed}/${j.tests.total} tests passed` : ''}${failure}`;
}

function caseKey(c: TestCase): string {
  return c.classname ? `${c.classname}.${c.name}` : c.name;
}

/** Every test case any row has, in the order first met, bounded. */
function testColumns(rows: readonly GradedRow[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) for (const c of row.cases) if (ids.size < MAX_TEST_COLUMNS) ids.add(caseKey(c));
  return [...ids];
}
