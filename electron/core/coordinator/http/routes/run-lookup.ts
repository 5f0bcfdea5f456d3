/** Finding a run for a request (or refusing with run_not_found), and its latest rows with their test cases, for the routes that export or grade. */
import type { RunJobRow, RunStatusDto } from '../../../../../shared/api.ts';
import type { CoordinatorContext } from '../../context.ts';
import { latestRows, type GradedRow } from '../../grading/gradebook.ts';
import type { MergedReport, TestCase } from '../../grading/test-report.ts';
import { runStatus } from '../../runs/runs.ts';
import { HttpError } from '../http-error.ts';
import { refusalToHttp } from '../refusals.ts';
import { queryString } from '../validate.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { assertRunVisible } from '../../people/scope-checks.ts';

/** The stored report of a job: its cases and, for a grading run, what each case was worth and earned. */
export type StoredReport = MergedReport & { perCase?: { id: string; points: number; earned: number }[]; scoreNote?: string | null };

/** 404 run_not_found, saying what to do. */
export function runNotFound(runId: string): HttpError {
  return refusalToHttp({
    reason: 'run_not_found',
    message: `There is no run ${JSON.stringify(runId)}: check the id (GET /api/runs/create lists the runs; old ones go with the retention period).`,
  });
}

/** A run's status for a grading request (only its jobs in `scope`), or the refusal. */
export function statusOf(ctx: CoordinatorContext, value: unknown, scope: Scope | null): RunStatusDto {
  const runId = queryString(value, 'runId');
  if (!runId) throw new HttpError(400, 'runId is required');
  if (scope && ctx.store.runs.get(runId)) assertRunVisible(ctx.store, runId, scope);
  const status = runStatus(ctx.store, runId, scope);
  if (!status) throw runNotFound(runId);
  return status;
}

/** The run's latest rows with the test cases each one's report holds. */
export function gradedRows(ctx: CoordinatorContext, status: RunStatusDto): (GradedRow & { note: string | null })[] {
  return latestRows(status).map((row: RunJobRow) => {
    const report = ctx.store.grades.report(row.jobId) as StoredReport | null;
    const cases: TestCase[] = report?.cases ?? [];
    return { ...row, cases, note: [report?.note, report?.scoreNote].filter(Boolean).join('; ') || null };
  });
}
