/** A graded job's columns: its test report, points and first failure as read from its result files, and the teacher's comment. */
import type { SqlStatement } from '../sql.ts';
import type { TestCounts } from '../../../../../shared/api.ts';
import type { Database } from '../sql.ts';
import { text } from '../row.ts';

/** What reading a job's reports gives, stored with it. */
export interface JobGrade {
  tests: TestCounts;
  /** The report as read (cases, counts, notes), kept for feedback and exports. */
  report: unknown;
  points: number | null;
  maxPoints: number | null;
  firstFailure: { test: string; message: string | null } | null;
}

export class GradeRepository {
  readonly #set: SqlStatement;
  readonly #report: SqlStatement;
  readonly #comment: SqlStatement;

  constructor(db: Database) {
    this.#set = db.prepare('UPDATE jobs SET tests = ?, test_report = ?, points = ?, max_points = ? , first_failure = ? WHERE job_id = ?');
    this.#report = db.prepare('SELECT test_report FROM jobs WHERE job_id = ?');
    this.#comment = db.prepare('UPDATE jobs SET comment = ? WHERE job_id = ?');
  }

  set(jobId: string, grade: JobGrade): void {
    const failure = grade.firstFailure ? JSON.stringify(grade.firstFailure) : null;
    this.#set.run(JSON.stringify(grade.tests), JSON.stringify(grade.report), grade.points, grade.maxPoints, failure, jobId);
  }

  /** The test report stored with the job (null: none was read). */
  report(jobId: string): unknown {
    const row = this.#report.get(jobId);
    return row && row.test_report !== null ? (JSON.parse(text(row, 'test_report')) as unknown) : null;
  }

  /** The teacher's comment for the job's student; false when there is no such job. */
  setComment(jobId: string, comment: string | null): boolean {
    return Number(this.#comment.run(comment, jobId).changes) > 0;
  }
}
