/** The jobs table: the statements the store needs (its rows and their DTOs: job-rows.ts). */
import { randomBytes } from 'node:crypto';
import type { SqlStatement, SqlValue } from '../sql.ts';
import type { ArtifactFile, JobTarget, TestCounts } from '../../../../../shared/api.ts';
import { JOB_STATUSES, type JobCounts, type JobOutcome, type JobStatus } from '../../../../../shared/job-status.ts';
import type { Database } from '../sql.ts';
import { int, oneOf, text } from '../row.ts';
import type { EndJob } from '../../jobs/lifecycle.ts';
import { toRecord, type CreateJobInput, type JobPageQuery, type JobRecord } from './job-rows.ts';

export { toAssignedJob, toJobDto, type CreateJobInput, type JobPageQuery, type JobRecord } from './job-rows.ts';

import { soleWorker, targetKey } from '../../jobs/targeting.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { jobScopeFilter, whereClause } from '../scope-sql.ts';

export const DEFAULT_TIMEOUT_SECONDS = 3600;

/** Which jobs an outcome filter selects; "failed" is every job that ended without passing. */
const OUTCOME_SQL: Record<JobOutcome, string> = {
  active: "status IN ('pending', 'running')",
  passed: "status = 'completed' AND exit_code = 0",
  failed: "(status = 'failed' OR (status = 'completed' AND exit_code != 0))",
  cancelled: "status = 'cancelled'",
};

export class JobRepository {
  readonly #db: Database;
  readonly #q: Record<
    | 'byId'
    | 'runningOf'
    | 'nextPending'
    | 'anyPending'
    | 'countByStatus'
    | 'countAll'
    | 'insert'
    | 'start'
    | 'end'
    | 'requeue'
    | 'suspend'
    | 'requestCancel'
    | 'all'
    | 'overdueCandidates'
    | 'pendingFor'
    | 'pendingUntargeted'
    | 'pendingTargets'
    | 'pendingWithTarget'
    | 'pastDeadline'
    | 'runningInRun'
    | 'setResult',
    SqlStatement
  >;

  constructor(db: Database) {
    this.#db = db;
    this.#q = {
      byId: db.prepare('SELECT * FROM jobs WHERE job_id = ?'),
      runningOf: db.prepare("SELECT * FROM jobs WHERE status = 'running' AND worker_id = ?"),
      nextPending: db.prepare("SELECT * FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT 1"),
      anyPending: db.prepare("SELECT 1 AS x FROM jobs WHERE status = 'pending' LIMIT 1"),
      countByStatus: db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE status = ?'),
      countAll: db.prepare('SELECT COUNT(*) AS n FROM jobs'),
      insert: db.prepare(`
        INSERT INTO jobs (job_id, status, command, file_url, filename, created_at, timeout_seconds, max_attempts, file_sha256, run_id, target, target_worker, deadline_at, artifact_patterns, shell, tests_url, tests_sha256, template_id, params)
        VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      start: db.prepare("UPDATE jobs SET status = 'running', worker_id = ?, started_at = ?, attempts = attempts + 1 WHERE seq = ?"),
      // A job that ends on hold: the hold ends with it and counts in its time on hold.
      end: db.prepare(`
        UPDATE jobs SET status = ?, exit_code = ?, error_message = ?, end_reason = ?, completed_at = ?, ended_by = ?,
          command_started_at = COALESCE(?, command_started_at),
          suspended_ms = suspended_ms + COALESCE(? - suspended_since, 0), suspended_since = NULL
        WHERE seq = ? AND status IN ('pending', 'running')`),
      requeue: db.prepare(
        "UPDATE jobs SET status = 'pending', worker_id = NULL, started_at = NULL, attempts = attempts - ?, suspended_since = NULL, suspended_ms = 0 WHERE seq = ?",
      ),
      suspend: db.prepare('UPDATE jobs SET suspended_since = ?, suspended_ms = ? WHERE seq = ?'),
      requestCancel: db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE seq = ?'),
      all: db.prepare('SELECT * FROM jobs ORDER BY seq'),
      // The index on running jobs keeps this small; the lifecycle decides which are overdue.
      overdueCandidates: db.prepare("SELECT * FROM jobs WHERE status = 'running' AND started_at + timeout_seconds * 1000 + ? < ?"),
      // Each of these reads one index (see migration 11): a worker's own jobs, untargeted jobs, and one entry per distinct target.
      pendingFor: db.prepare("SELECT * FROM jobs WHERE status = 'pending' AND target_worker = ? ORDER BY seq"),
      pendingUntargeted: db.prepare("SELECT * FROM jobs WHERE status = 'pending' AND target IS NULL ORDER BY seq LIMIT 1"),
      // The distinct targets of pending jobs, one index probe each (a loose index scan SQLite does not do by itself).
      pendingTargets: db.prepare(`
        WITH RECURSIVE t(target, n) AS (
          SELECT MIN(target), 1 FROM jobs WHERE status = 'pending' AND target_worker IS NULL AND target IS NOT NULL
          UNION ALL
          SELECT (SELECT MIN(target) FROM jobs WHERE status = 'pending' AND target_worker IS NULL AND target IS NOT NULL AND target > t.target), n + 1
          FROM t WHERE t.target IS NOT NULL AND n < 1000
        )
        SELECT target FROM t WHERE target IS NOT NULL`),
      pendingWithTarget: db.prepare("SELECT * FROM jobs WHERE status = 'pending' AND target_worker IS NULL AND target = ? ORDER BY seq LIMIT 1"),
      pastDeadline: db.prepare("SELECT * FROM jobs WHERE status = 'pending' AND deadline_at IS NOT NULL AND deadline_at < ?"),
      runningInRun: db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE run_id = ? AND status = 'running'"),
      setResult: db.prepare('UPDATE jobs SET score = ?, output_digest = ? WHERE seq = ?'),
    };
  }

  get(jobId: string): JobRecord | undefined {
    const row = this.#q.byId.get(jobId);
    return row && toRecord(row);
  }

  runningOf(workerId: string): JobRecord[] {
    return this.#q.runningOf.all(workerId).map(toRecord);
  }

  nextPending(): JobRecord | undefined {
    const row = this.#q.nextPending.get();
    return row && toRecord(row);
  }

  anyPending(): boolean {
    return this.#q.anyPending.get() !== undefined;
  }

  count(status?: JobStatus): number {
    return int((status ? this.#q.countByStatus.get(status) : this.#q.countAll.get())!, 'n');
  }

  /** Every job in scope (null: every job), oldest first: the seed's whole list. */
  all(scope: Scope | null = null): JobRecord[] {
    if (!scope) return this.#q.all.all().map(toRecord);
    const where = whereClause([], [], jobScopeFilter(scope));
    return this.#db
      .prepare(`SELECT * FROM jobs ${where.sql} ORDER BY seq`)
      .all(...where.params)
      .map(toRecord);
  }

  /** One page, newest first (a dashboard of 100,000 jobs reads only what it shows); only jobs in `query.scope`. */
  page(query: JobPageQuery): { jobs: JobRecord[]; total: number; nextBefore: string | null } {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.outcome) where.push(OUTCOME_SQL[query.outcome]);
    const scope = jobScopeFilter(query.scope);
    const filtered = whereClause([...where], [...params], scope);
    if (query.before) {
      where.push('seq < ?');
      params.push(this.get(query.before)?.seq ?? 0);
    }
    const paged = whereClause(where, params, scope);
    const rows = this.#db
      .prepare(`SELECT * FROM jobs ${paged.sql} ORDER BY seq DESC LIMIT ?`)
      .all(...paged.params, query.limit + 1)
      .map(toRecord);
    const more = rows.length > query.limit;
    const jobs = rows.slice(0, query.limit);
    const total = this.#db.prepare(`SELECT COUNT(*) AS n FROM jobs ${filtered.sql}`).get(...filtered.params)!;
    return { jobs, total: int(total, 'n'), nextBefore: more ? jobs[jobs.length - 1]!.jobId : null };
  }

  /** Counts per outcome: ranges of the status index, and the partial index of completed jobs that failed; a scope's in one pass. */
  counts(scope: Scope | null = null): JobCounts {
    if (scope) return this.#scopedCounts(scope);
    const n = (sql: string) => int(this.#db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE ${sql}`).get()!, 'n');
    const pending = n("status = 'pending'");
    const running = n("status = 'running'");
    const completed = n("status = 'completed'");
    const completedFailing = n("status = 'completed' AND exit_code != 0");
    const failed = n("status = 'failed'") + completedFailing;
    const cancelled = n(OUTCOME_SQL.cancelled);
    return countsOf({ pending, running, completed, completedFailing, failed, cancelled });
  }

  #scopedCounts(scope: Scope): JobCounts {
    const where = whereClause([], [], jobScopeFilter(scope));
    const by = { pending: 0, running: 0, completed: 0, completedFailing: 0, failed: 0, cancelled: 0 };
    const sql = `SELECT status, CASE WHEN exit_code != 0 THEN 1 ELSE 0 END AS failing, COUNT(*) AS n FROM jobs ${where.sql} GROUP BY 1, 2`;
    for (const row of this.#db.prepare(sql).all(...where.params)) {
      const status = oneOf(row, 'status', JOB_STATUSES);
      const n = int(row, 'n');
      by[status] += n;
      if (status === 'completed' && int(row, 'failing') === 1) by.completedFailing += n;
    }
    return countsOf({ ...by, failed: by.failed + by.completedFailing });
  }

  /** Running jobs whose timeout, plus `graceMs`, passed before `now`. */
  overdue(graceMs: number, now: number): JobRecord[] {
    return this.#q.overdueCandidates.all(graceMs, now).map(toRecord);
  }

  insert(input: CreateJobInput, now: number): string {
    const jobId = `job-${now}-${randomBytes(5).toString('hex')}`;
    this.#q.insert.run(
      jobId,
      input.command,
      input.fileUrl,
      input.filename,
      now,
      input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      input.maxAttempts ?? 1,
      input.fileSha256 ?? null,
      input.runId ?? null,
      input.target ? targetKey(input.target) : null,
      soleWorker(input.target ?? null),
      input.deadlineAt ?? null,
      JSON.stringify(input.artifactPatterns ?? []),
      input.shell ?? null,
      input.testsUrl ?? null,
      input.testsSha256 ?? null,
      input.templateId ?? null,
      input.params ? JSON.stringify(input.params) : null,
    );
    return jobId;
  }

  /** This worker's own pending jobs (a broadcast's), oldest first. */
  pendingFor(workerId: string): JobRecord[] {
    return this.#q.pendingFor.all(workerId).map(toRecord);
  }

  nextUntargeted(): JobRecord | undefined {
    const row = this.#q.pendingUntargeted.get();
    return row && toRecord(row);
  }

  /** The distinct targets (other than one named worker) that pending jobs wait for. */
  pendingTargets(): JobTarget[] {
    return this.#q.pendingTargets.all().map((row) => JSON.parse(text(row, 'target')) as JobTarget);
  }

  nextWithTarget(target: JobTarget): JobRecord | undefined {
    const row = this.#q.pendingWithTarget.get(targetKey(target));
    return row && toRecord(row);
  }

  setArtifacts(job: JobRecord, files: ArtifactFile[], tests: TestCounts | null): void {
    this.#db.prepare('UPDATE jobs SET artifacts = ?, tests = ? WHERE seq = ?').run(JSON.stringify(files), tests ? JSON.stringify(tests) : null, job.seq);
  }

  /** Pending jobs meant for `from` alone now wait for `to`; returns their ids. */
  retarget(from: string, to: string): string[] {
    const ids = this.pendingFor(from).map((j) => j.jobId);
    this.#db
      .prepare("UPDATE jobs SET target_worker = ?, target = ? WHERE status = 'pending' AND target_worker = ?")
      .run(to, targetKey({ workers: [to] }), from);
    return ids;
  }

  pastDeadline(now: number): JobRecord[] {
    return this.#q.pastDeadline.all(now).map(toRecord);
  }

  runningInRun(runId: string): number {
    return int(this.#q.runningInRun.get(runId)!, 'n');
  }

  setResult(job: JobRecord, score: number | string | null, outputDigest: string | null): void {
    this.#q.setResult.run(score === null ? null : JSON.stringify(score), outputDigest, job.seq);
  }

  start(job: JobRecord, workerId: string, now: number): void {
    this.#q.start.run(workerId, now, job.seq);
  }

  end(job: JobRecord, end: EndJob, now: number, commandStartedAt: number | null): void {
    this.#q.end.run(end.status, end.exitCode, end.errorMessage, end.endReason, now, end.endedBy, commandStartedAt, now, job.seq);
  }

  /** On hold from `since` (null: the hold ended), with the time held before. */
  setSuspended(job: JobRecord, since: number | null, suspendedMs: number): void {
    this.#q.suspend.run(since, suspendedMs, job.seq);
  }

  requeue(job: JobRecord, refundAttempt: boolean): void {
    this.#q.requeue.run(refundAttempt ? 1 : 0, job.seq);
  }

  requestCancel(job: JobRecord): void {
    this.#q.requestCancel.run(job.seq);
  }
}

/** The counts per outcome from the counts per status (failed already holds the completed jobs that failed). */
function countsOf(c: { pending: number; running: number; completed: number; completedFailing: number; failed: number; cancelled: number }): JobCounts {
  return {
    all: c.pending + c.running + c.completed + c.failed - c.completedFailing + c.cancelled,
    active: c.pending + c.running,
    pending: c.pending,
    running: c.running,
    passed: c.completed - c.completedFailing,
    failed: c.failed,
    cancelled: c.cancelled,
  };
}
