/** The runs table (what was asked: mode, commands, target, limits) and the summaries derived from a run's jobs. */
import { randomBytes } from 'node:crypto';
import type { SqlStatement } from '../sql.ts';
import { RUN_MODES, type JobTarget, type RunDto, type RunJobRow, type RunMode, type RunSummary } from '../../../../../shared/api.ts';
import { JOB_STATUSES } from '../../../../../shared/job-status.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { SHELLS, type ShellName } from '../../../../../shared/shells.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, oneOf, text, textOrNull, type Row } from '../row.ts';
import type { StudentDto } from '../../../../../shared/graded-job.ts';
import { jobInScopeSql, scopeParams } from '../scope-sql.ts';
import { toRunJobRow } from './run-job-rows.ts';

export interface RunRecord {
  seq: number;
  runId: string;
  mode: RunMode;
  command: string;
  createdAt: number;
  target: JobTarget | null;
  maxParallel: number | null;
  scorePattern: string | null;
  timeoutSeconds: number;
  maxAttempts: number;
  deadlineSeconds: number;
  fileUrl: string | null;
  filename: string | null;
  artifactPatterns: string[];
  /** Every job's shell (null: each worker's default). */
  shell: ShellName | null;
  /** The run this one re-runs (its failed jobs, or all), if any. */
  rerunOf: string | null;
  /** What the admin called it (null: unnamed; shown by its zips or command). */
  name: string | null;
  /** A grading run's settings (null: not a grading run). */
  grading: GradingRecord | null;
  /** The students CSV, by zip file name (null: none given). */
  students: Record<string, StudentDto> | null;
  /** Made from a saved command: which, and the parameter values its jobs run with. */
  templateId: string | null;
  params: Record<string, string> | null;
}

/** A grading run's settings as kept: the hidden tests' and starter code's uploads, the point rules, the reports read. */
export interface GradingRecord {
  testsUrl: string | null;
  testsSha256: string | null;
  baseUrl: string | null;
  points: { test: string; points: number }[];
  defaultPoints: number;
  report: string[];
}

export type NewRun = Omit<RunRecord, 'seq' | 'runId' | 'createdAt'>;

function toRecord(row: Row): RunRecord {
  return {
    seq: int(row, 'seq'),
    runId: text(row, 'run_id'),
    mode: oneOf(row, 'mode', RUN_MODES),
    command: text(row, 'command'),
    createdAt: int(row, 'created_at'),
    target: row.target === null ? null : (JSON.parse(text(row, 'target')) as JobTarget),
    maxParallel: intOrNull(row, 'max_parallel'),
    scorePattern: textOrNull(row, 'score_pattern'),
    timeoutSeconds: int(row, 'timeout_seconds'),
    maxAttempts: int(row, 'max_attempts'),
    deadlineSeconds: int(row, 'deadline_seconds'),
    fileUrl: textOrNull(row, 'file_url'),
    filename: textOrNull(row, 'filename'),
    artifactPatterns: JSON.parse(text(row, 'artifact_patterns')) as string[],
    shell: row.shell === null ? null : oneOf(row, 'shell', SHELLS),
    rerunOf: textOrNull(row, 'rerun_of'),
    name: textOrNull(row, 'name'),
    grading: row.grading === null ? null : (JSON.parse(text(row, 'grading')) as GradingRecord),
    students: row.students === null ? null : (JSON.parse(text(row, 'students')) as Record<string, StudentDto>),
    templateId: textOrNull(row, 'template_id'),
    params: row.params === null ? null : (JSON.parse(text(row, 'params')) as Record<string, string>),
  };
}

export class RunRepository {
  readonly #insert: SqlStatement;
  readonly #byId: SqlStatement;
  readonly #page: SqlStatement;
  readonly #count: SqlStatement;
  readonly #counts: SqlStatement;
  readonly #waitingOffline: SqlStatement;
  readonly #jobs: SqlStatement;
  readonly #reruns: SqlStatement;
  readonly #rename: SqlStatement;
  readonly #active: SqlStatement;
  /** The same, over the jobs in a scope (its parameters after the run's): see scope-sql.ts. */
  readonly #pageScoped: SqlStatement;
  readonly #countScoped: SqlStatement;
  readonly #countsScoped: SqlStatement;
  readonly #waitingScoped: SqlStatement;
  readonly #jobsScoped: SqlStatement;

  constructor(db: Database) {
    this.#insert = db.prepare(`
      INSERT INTO runs (run_id, mode, command, created_at, target, max_parallel, score_pattern, timeout_seconds, max_attempts, deadline_seconds, file_url, filename, artifact_patterns, shell, rerun_of, name, grading, students, template_id, params)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#reruns = db.prepare('SELECT run_id FROM runs WHERE rerun_of = ? ORDER BY seq');
    this.#byId = db.prepare('SELECT * FROM runs WHERE run_id = ?');
    this.#rename = db.prepare('UPDATE runs SET name = ? WHERE run_id = ?');
    this.#page = db.prepare('SELECT * FROM runs WHERE seq < ? ORDER BY seq DESC LIMIT ?');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM runs');
    const counts = (scoped: string) => `
      SELECT status, CASE WHEN exit_code = 0 THEN 1 ELSE 0 END AS passed, COUNT(*) AS n, MAX(completed_at) AS last FROM jobs
      WHERE run_id = ? ${scoped} GROUP BY status, CASE WHEN exit_code = 0 THEN 1 ELSE 0 END`;
    this.#counts = db.prepare(counts(''));
    const waiting = (scoped: string) => `
      SELECT COUNT(*) AS n FROM jobs j JOIN workers w ON w.worker_id = j.target_worker
      WHERE j.run_id = ? AND j.status = 'pending' AND w.status = 'offline' ${scoped}`;
    this.#waitingOffline = db.prepare(waiting(''));
    const jobs = (scoped: string) => `
      SELECT j.*, w.hostname AS worker_hostname, w.display_name AS worker_name FROM jobs j LEFT JOIN workers w ON w.worker_id = COALESCE(j.worker_id, j.target_worker)
      WHERE j.run_id = ? ${scoped} ORDER BY j.seq`;
    this.#jobs = db.prepare(jobs(''));
    // A run is in scope when one of its jobs is (one probe of the run's jobs by index).
    const visible = `EXISTS (SELECT 1 FROM jobs j WHERE j.run_id = runs.run_id AND ${jobInScopeSql('j')})`;
    this.#pageScoped = db.prepare(`SELECT * FROM runs WHERE seq < ? AND ${visible} ORDER BY seq DESC LIMIT ?`);
    this.#countScoped = db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE ${visible}`);
    this.#countsScoped = db.prepare(counts(`AND ${jobInScopeSql('jobs')}`));
    this.#waitingScoped = db.prepare(waiting(`AND ${jobInScopeSql('j')}`));
    this.#jobsScoped = db.prepare(jobs(`AND ${jobInScopeSql('j')}`));
    this.#active = db.prepare(`SELECT 1 FROM jobs WHERE run_id = ? AND status IN ('pending', 'running') LIMIT 1`);
  }

  insert(run: NewRun, now: number): RunRecord {
    const runId = `run-${now}-${randomBytes(5).toString('hex')}`;
    this.#insert.run(
      runId,
      run.mode,
      run.command,
      now,
      run.target ? JSON.stringify(run.target) : null,
      run.maxParallel,
      run.scorePattern,
      run.timeoutSeconds,
      run.maxAttempts,
      run.deadlineSeconds,
      run.fileUrl,
      run.filename,
      JSON.stringify(run.artifactPatterns),
      run.shell,
      run.rerunOf,
      run.name,
      run.grading ? JSON.stringify(run.grading) : null,
      run.students ? JSON.stringify(run.students) : null,
      run.templateId,
      run.params ? JSON.stringify(run.params) : null,
    );
    return this.get(runId)!;
  }

  /** The runs made by re-running this one, oldest first. */
  reruns(runId: string): string[] {
    return this.#reruns.all(runId).map((row) => text(row, 'run_id'));
  }

  rename(runId: string, name: string | null): RunRecord | undefined {
    this.#rename.run(name, runId);
    return this.get(runId);
  }

  get(runId: string): RunRecord | undefined {
    const row = this.#byId.get(runId);
    return row && toRecord(row);
  }

  /** Newest first, before the run `beforeSeq` (exclusive); with a scope, only runs with a job in it. */
  page(beforeSeq: number, limit: number, scope: Scope | null = null): RunRecord[] {
    const rows = scope ? this.#pageScoped.all(beforeSeq, ...scopeParams(scope), limit) : this.#page.all(beforeSeq, limit);
    return rows.map(toRecord);
  }

  count(scope: Scope | null = null): number {
    return int((scope ? this.#countScoped.get(...scopeParams(scope)) : this.#count.get())!, 'n');
  }

  /** Counts by state, from the run's jobs (those in `scope`, when given; never stored twice), and when its last job ended. */
  summary(runId: string, scope: Scope | null = null): { summary: RunSummary; completedAt: number | null } {
    const inScope = scope ? scopeParams(scope) : [];
    const summary: RunSummary = { total: 0, pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0, waitingOffline: 0 };
    let last: number | null = null;
    for (const row of (scope ? this.#countsScoped : this.#counts).all(runId, ...inScope)) {
      const n = int(row, 'n');
      const status = oneOf(row, 'status', JOB_STATUSES);
      summary.total += n;
      if (status === 'completed' && int(row, 'passed') === 1) summary.passed += n;
      else if (status === 'completed' || status === 'failed') summary.failed += n;
      else summary[status] += n;
      const ended = intOrNull(row, 'last');
      if (ended !== null && (last === null || ended > last)) last = ended;
    }
    summary.waitingOffline = int((scope ? this.#waitingScoped : this.#waitingOffline).get(runId, ...inScope)!, 'n');
    const active = summary.pending + summary.running > 0;
    return { summary, completedAt: active || summary.total === 0 ? null : last };
  }

  /** Whether any of its jobs is pending or running (one index probe: asked each time one of its jobs ends). */
  hasActiveJobs(runId: string): boolean {
    return this.#active.get(runId) !== undefined;
  }

  /** The run's jobs (only those in `scope`, when given), oldest first. */
  jobs(runId: string, scope: Scope | null = null): RunJobRow[] {
    return (scope ? this.#jobsScoped.all(runId, ...scopeParams(scope)) : this.#jobs.all(runId)).map(toRunJobRow);
  }
}

export function toRunDto(run: RunRecord, derived: { summary: RunSummary; completedAt: number | null; reruns: string[] }): RunDto {
  const {
    runId,
    mode,
    command,
    createdAt,
    target,
    maxParallel,
    scorePattern,
    timeoutSeconds,
    maxAttempts,
    deadlineSeconds,
    filename,
    shell,
    rerunOf,
    name,
    grading,
  } = run;
  return {
    runId,
    name,
    mode,
    command,
    createdAt,
    completedAt: derived.completedAt,
    target,
    maxParallel,
    scorePattern,
    timeoutSeconds,
    maxAttempts,
    deadlineSeconds,
    shell,
    filename,
    summary: derived.summary,
    grading: grading && {
      testsUrl: grading.testsUrl,
      baseUrl: grading.baseUrl,
      points: grading.points,
      defaultPoints: grading.defaultPoints,
      report: grading.report,
    },
    rerunOf,
    reruns: derived.reruns,
  };
}
