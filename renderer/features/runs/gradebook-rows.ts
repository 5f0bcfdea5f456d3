/**
 * The gradebook's rows, without React: one per student (each zip's latest attempt, which keeps the
 * student and comment of the first one unless it has its own, as the exports do), sorted by any
 * column and filtered by name and verdict.
 */
import type { RunJobRow } from '../../../shared/api.ts';
import type { Verdict } from '../../../shared/verdict.ts';
import { isLaterAttempt, type ShownJob } from './latest-attempts.ts';

export interface GradeRow {
  job: ShownJob;
  /** The student's name: the students CSV's, else the zip's name without .zip. */
  student: string;
  studentId: string | null;
  /** The job this run made for the zip: what a re-run of this student names. */
  ownJobId: string;
  comment: string | null;
}

export type SortKey = 'student' | 'verdict' | 'points' | 'tests' | 'duration' | 'failure';
export interface Sort {
  key: SortKey;
  dir: 'ascending' | 'descending';
}
/** All, one verdict, or the jobs still waiting or running. */
export type VerdictFilter = 'all' | Verdict | 'unfinished';

export const SORT_LABELS: Record<SortKey, string> = {
  student: 'Student',
  verdict: 'Verdict',
  points: 'Points',
  tests: 'Tests',
  duration: 'Duration',
  failure: 'First failing test',
};

/** Each row as the gradebook shows it; `own`: this run's jobs, whose student and comment a re-run attempt keeps. */
export function gradeRows(rows: readonly ShownJob[], own: readonly RunJobRow[]): GradeRow[] {
  const first = new Map(own.map((job) => [job.jobId, job]));
  return rows.map((job) => {
    const original = isLaterAttempt(job) ? first.get(job.replaces) : undefined;
    const student = job.student ?? original?.student ?? null;
    return {
      job,
      student: student?.student ?? job.filename.replace(/\.zip$/i, ''),
      studentId: student?.id ?? null,
      ownJobId: isLaterAttempt(job) ? job.replaces : job.jobId,
      comment: job.comment ?? original?.comment ?? null,
    };
  });
}

const VERDICT_ORDER: Record<Verdict, number> = { passed: 0, failed: 1, timed_out: 2, error: 3, cancelled: 4 };

/** A row's value in a column; null sorts last whichever way. */
function valueOf(row: GradeRow, key: SortKey): string | number | null {
  const { job } = row;
  switch (key) {
    case 'student':
      return row.student.toLocaleLowerCase();
    case 'verdict':
      return job.verdict === null ? null : VERDICT_ORDER[job.verdict];
    case 'points':
      return job.points;
    case 'tests':
      return job.tests ? job.tests.passed / Math.max(1, job.tests.total) : null;
    case 'duration':
      return job.durationMs;
    case 'failure':
      return job.firstFailure?.test.toLocaleLowerCase() ?? null;
  }
}

/** The rows in the column's order; ties keep the student order. */
export function sortRows(rows: readonly GradeRow[], sort: Sort): GradeRow[] {
  const sign = sort.dir === 'ascending' ? 1 : -1;
  const byStudent = (a: GradeRow, b: GradeRow) => a.student.localeCompare(b.student);
  return [...rows].sort((a, b) => {
    const [x, y] = [valueOf(a, sort.key), valueOf(b, sort.key)];
    if (x === y) return byStudent(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return (typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : Number(x) - Number(y)) * sign;
  });
}

/** A click on a column: sorted by it ascending, or the other way when it already is. */
export function nextSort(sort: Sort, key: SortKey): Sort {
  if (sort.key !== key) return { key, dir: key === 'points' || key === 'tests' ? 'descending' : 'ascending' };
  return { key, dir: sort.dir === 'ascending' ? 'descending' : 'ascending' };
}

/** The rows whose student (name, id or zip) holds `text` and whose verdict the filter lets through. */
export function filterRows(rows: readonly GradeRow[], text: string, verdict: VerdictFilter): GradeRow[] {
  const needle = text.trim().toLocaleLowerCase();
  return rows.filter((row) => {
    if (verdict === 'unfinished' ? row.job.verdict !== null : verdict !== 'all' && row.job.verdict !== verdict) return false;
    if (!needle) return true;
    return [row.student, row.studentId ?? '', row.job.filename].some((s) => s.toLocaleLowerCase().includes(needle));
  });
}

/** Whether a row's student has something to re-run: a failed test or exit, a timeout, an error. */
export function isFailing(row: GradeRow): boolean {
  return row.job.verdict === 'failed' || row.job.verdict === 'timed_out' || row.job.verdict === 'error';
}
