/**
 * Runs: many jobs created together (one per matching worker, or one per zip) and followed as one.
 * Every job of a run is an ordinary job; a run's state is read from its jobs, never kept twice.
 */
import type { JobTarget, LaterAttempt, RunDto, RunJobRow, RunMode, RunStatusDto } from '../../../../shared/api.ts';
import { LIMITS } from '../../../../shared/api.ts';
import type { ShellName } from '../../../../shared/shells.ts';
import type { GradingRecord, RunRecord } from '../state/repositories/runs.ts';
import type { StudentDto } from '../../../../shared/graded-job.ts';
import { gradedArtifactPatterns, type GradingZip } from '../grading/grading-run.ts';
import { studentOf } from '../grading/students.ts';
import { toRunDto } from '../state/repositories/runs.ts';
import type { Store } from '../state/store.ts';
import { matchesTarget, normalizeTarget } from '../jobs/targeting.ts';
import { targetProblem } from '../jobs/target-check.ts';
import { onCancel } from '../jobs/lifecycle.ts';
import { applyTransition } from '../jobs/transitions.ts';
import { auditTarget } from '../audit/audit-context.ts';
import type { Scope } from '../../../../shared/roles.ts';
import { workerInScope } from '../people/scope.ts';

export const DEFAULT_DEADLINE_SECONDS = 24 * 3600;

export interface RunZip {
  fileUrl: string;
  filename: string;
  fileSha256: string | null;
}

export interface CreateRunInput {
  /** What the admin called it (null: unnamed). */
  name: string | null;
  mode: RunMode;
  command: string;
  target: JobTarget | null;
  timeoutSeconds: number;
  maxAttempts: number;
  maxParallel: number | null;
  deadlineSeconds: number;
  scorePattern: string | null;
  artifactPatterns: string[];
  /** The shell every job runs its lines in (null: each worker's default). */
  shell: ShellName | null;
  /** each: the one zip every PC runs; map: one job per zip. */
  zips: RunZip[];
  /** A re-run: the run it repeats. */
  rerunOf?: string;
  /** A grading run's settings, and its students by zip name (null: not a grading run, no CSV). */
  grading: GradingRecord | null;
  students: Record<string, StudentDto> | null;
  /** Made from a saved command: which, and its parameter values (every job gets them). */
  templateId?: string | null;
  params?: Record<string, string> | null;
  /** The rooms of the person who asked: a broadcast goes to the matching PCs in them only (null: every PC). */
  scope?: Scope | null;
}

export type CreateRunOutcome = { ok: true; run: RunRecord; jobIds: string[] } | { ok: false; message: string };

/** Creates the run and all its jobs in one transaction (durable together, or not at all). */
export function createRun(store: Store, input: CreateRunInput): CreateRunOutcome {
  const target = normalizeTarget(input.target);
  const now = store.now();
  const outcome = store.db.transaction((): CreateRunOutcome => {
    const problem = targetProblem(store, target);
    if (problem) return { ok: false, message: problem };
    const zip = input.zips[0];
    const run = store.runs.insert(
      {
        name: input.name,
        mode: input.mode,
        command: input.command,
        target,
        maxParallel: input.maxParallel,
        scorePattern: input.scorePattern,
        timeoutSeconds: input.timeoutSeconds,
        maxAttempts: input.maxAttempts,
        deadlineSeconds: input.deadlineSeconds,
        rerunOf: input.rerunOf ?? null,
        fileUrl: input.mode === 'each' ? (zip?.fileUrl ?? null) : null,
        filename: input.mode === 'each' ? (zip?.filename ?? null) : null,
        artifactPatterns: input.artifactPatterns,
        shell: input.shell,
        grading: input.grading,
        students: input.students,
        templateId: input.templateId ?? null,
        params: input.params ?? null,
      },
      now,
    );
    auditTarget('run', run.runId);
    const common = {
      command: input.command,
      timeoutSeconds: input.timeoutSeconds,
      maxAttempts: input.maxAttempts,
      runId: run.runId,
      // A grading run's jobs bring its reports back with its result files.
      artifactPatterns: gradedArtifactPatterns(input.artifactPatterns, input.grading),
      shell: input.shell,
      testsUrl: input.grading?.testsUrl ?? null,
      testsSha256: input.grading?.testsSha256 ?? null,
      templateId: input.templateId ?? null,
      params: input.params ?? null,
    };
    const jobIds: string[] = [];
    if (input.mode === 'each') {
      if (!zip) return { ok: false, message: 'A run needs its zip (an empty one runs in an empty folder).' };
      const workers = store.workers.all().filter((w) => !w.revoked && matchesTarget(target, w) && workerInScope(w, input.scope ?? null));
      if (workers.length > LIMITS.maxRunJobs)
        return { ok: false, message: `The target selects ${workers.length} workers; a run may have at most ${LIMITS.maxRunJobs} jobs.` };
      for (const worker of workers) {
        jobIds.push(store.jobs.insert({ ...common, ...zip, target: { workers: [worker.workerId] }, deadlineAt: now + input.deadlineSeconds * 1000 }, now));
      }
    } else {
      for (const each of input.zips) jobIds.push(store.jobs.insert({ ...common, ...each, target }, now));
    }
    return { ok: true, run, jobIds };
  });
  if (outcome.ok) store.announce([], outcome.jobIds, true);
  return outcome;
}

/** A run with its summary counted over its jobs in `scope` (null: all of them). */
export function runDto(store: Store, run: RunRecord, scope: Scope | null = null): RunDto {
  return toRunDto(run, { ...store.runs.summary(run.runId, scope), reruns: store.runs.reruns(run.runId) });
}

/** A run as its page shows it: only its jobs in `scope` (null: all), and the groups and latest attempts among them. */
export function runStatus(store: Store, runId: string, scope: Scope | null = null): RunStatusDto | undefined {
  const run = store.runs.get(runId);
  if (!run) return undefined;
  const jobs = store.runs.jobs(runId, scope);
  const byDigest = new Map<string, string[]>();
  for (const job of jobs) {
    if (job.outputDigest === null) continue;
    const ids = byDigest.get(job.outputDigest) ?? [];
    ids.push(job.jobId);
    byDigest.set(job.outputDigest, ids);
  }
  const groups = [...byDigest]
    .map(([outputDigest, jobIds]) => ({ outputDigest, count: jobIds.length, jobIds }))
    .sort((a, b) => b.count - a.count || a.outputDigest.localeCompare(b.outputDigest));
  // A map run's jobs are its students' zips: named by the students CSV, else by the zip; their re-run attempts too.
  const naming = run.mode === 'map' && (run.grading || run.students);
  const named = <T extends RunJobRow>(job: T): T => (naming ? { ...job, student: studentOf(job.filename, run.students) } : job);
  return { ...runDto(store, run, scope), jobs: jobs.map(named), groups, latest: latestAttempts(store, run, jobs, scope).map(named) };
}

/** At most this many re-runs are read for a run's latest results: a family longer than this is not re-run by hand. */
const MAX_FAMILY = 200;

/**
 * Each job's newest attempt in the runs re-run from this one (at any depth, newest wins): the same PC
 * for a broadcast, the same zip (by name) for a map run. Jobs never re-run have none.
 */
function latestAttempts(store: Store, run: RunRecord, jobs: RunJobRow[], scope: Scope | null): LaterAttempt[] {
  const family: RunRecord[] = [];
  const queue = store.runs.reruns(run.runId);
  while (queue.length > 0 && family.length < MAX_FAMILY) {
    const next = store.runs.get(queue.shift()!);
    if (!next) continue;
    family.push(next);
    queue.push(...store.runs.reruns(next.runId));
  }
  if (family.length === 0) return [];
  const keyOf = (job: RunJobRow) => (run.mode === 'each' ? job.workerId : job.filename);
  const newest = new Map<string, { row: RunJobRow; runId: string }>();
  for (const later of family.sort((a, b) => a.seq - b.seq)) {
    for (const row of store.runs.jobs(later.runId, scope)) {
      const key = keyOf(row);
      if (key !== null) newest.set(key, { row, runId: later.runId });
    }
  }
  return jobs.flatMap((job) => {
    const key = keyOf(job);
    const found = key === null ? undefined : newest.get(key);
    return found ? [{ ...found.row, runId: found.runId, replaces: job.jobId }] : [];
  });
}

/** One page of runs, newest first, with their summaries; with a scope, the runs with a job in it, counted over those jobs. */
export function pageRuns(
  store: Store,
  limit: number,
  before?: string,
  scope: Scope | null = null,
): { runs: RunDto[]; total: number; nextBefore: string | null } {
  const beforeSeq = before === undefined ? Number.MAX_SAFE_INTEGER : (store.runs.get(before)?.seq ?? 0);
  const rows = store.runs.page(beforeSeq, limit + 1, scope);
  const page = rows.slice(0, limit);
  return {
    runs: page.map((run) => runDto(store, run, scope)),
    total: store.runs.count(scope),
    nextBefore: rows.length > limit ? page.at(-1)!.runId : null,
  };
}

/** What a re-run of `runId` repeats: the workers (each) or zips (map) of its failed jobs, or of all of them. */
export function rerunInput(
  store: Store,
  runId: string,
  only: 'failed' | 'all',
  options: { jobIds?: string[]; tests?: GradingZip | null; scope?: Scope | null } = {},
): CreateRunInput | { ok: false; reason: 'run_not_found' | 'nothing_to_rerun' | 'invalid_request'; message: string } {
  const run = store.runs.get(runId);
  if (!run) return { ok: false, reason: 'run_not_found', message: 'Run not found' };
  if (options.tests && !run.grading)
    return { ok: false, reason: 'invalid_request', message: `Run ${runId} is not a grading run: it has no hidden tests to change.` };
  const chosen = options.jobIds ? new Set(options.jobIds) : null;
  const jobs = store.runs
    .jobs(runId, options.scope ?? null) // a scoped person re-runs only what they see
    .filter((j) => (chosen ? chosen.has(j.jobId) : only === 'all' || (j.verdict !== null && j.verdict !== 'passed' && j.verdict !== 'cancelled')));
  if (chosen && jobs.length !== chosen.size) {
    return { ok: false, reason: 'invalid_request', message: `Some of the jobIds are not jobs of run ${runId}; re-run jobs of one run at a time.` };
  }
  if (jobs.length === 0)
    return {
      ok: false,
      reason: 'nothing_to_rerun',
      message: `No job of run ${runId} failed; there is nothing to re-run (use only: "all" to run it all again).`,
    };
  const base = {
    name: rerunName(store, run),
    mode: run.mode,
    command: run.command,
    timeoutSeconds: run.timeoutSeconds,
    maxAttempts: run.maxAttempts,
    maxParallel: run.maxParallel,
    deadlineSeconds: run.deadlineSeconds,
    scorePattern: run.scorePattern,
    artifactPatterns: run.artifactPatterns,
    shell: run.shell,
    rerunOf: runId,
    grading: run.grading && options.tests ? { ...run.grading, testsUrl: options.tests.fileUrl, testsSha256: options.tests.sha256 } : run.grading,
    students: run.students,
    templateId: run.templateId,
    params: run.params,
  };
  if (run.mode === 'each') {
    const workers = [...new Set(jobs.map((j) => j.workerId).filter((id): id is string => id !== null))];
    const zip = store.jobs.get(jobs[0]!.jobId)!;
    return { ...base, target: { workers }, zips: [{ fileUrl: zip.fileUrl, filename: zip.filename, fileSha256: zip.fileSha256 }] };
  }
  const zips = jobs.map((j) => store.jobs.get(j.jobId)!).map((job) => ({ fileUrl: job.fileUrl, filename: job.filename, fileSha256: job.fileSha256 }));
  return { ...base, target: run.target, zips };
}

/** Cancels every job of the run (in scope) that has not ended: pending ones at once, running ones through their workers. */
export function cancelRun(
  store: Store,
  runId: string,
  scope: Scope | null = null,
): { ok: true; cancelled: number; cancelling: number } | { ok: false; reason: 'run_not_found' } {
  const ids: string[] = [];
  const outcome = store.db.transaction(() => {
    if (!store.runs.get(runId)) return { ok: false as const, reason: 'run_not_found' as const };
    let cancelled = 0;
    let cancelling = 0;
    for (const row of store.runs.jobs(runId, scope)) {
      const job = store.jobs.get(row.jobId)!;
      const decision = onCancel(job);
      if (!decision.ok || (decision.transition.kind === 'request-cancel' && job.cancelRequested)) continue;
      applyTransition(store, job, decision.transition, store.now());
      if (decision.transition.kind === 'request-cancel') cancelling++;
      else cancelled++;
      ids.push(job.jobId);
    }
    return { ok: true as const, cancelled, cancelling };
  });
  if (outcome.ok) store.announce([], ids, false);
  return outcome;
}

/** A re-run keeps the class's name, numbered: "Lab 3 (2)", then "Lab 3 (3)", counted over the whole family of re-runs. */
function rerunName(store: Store, run: RunRecord): string | null {
  let root = run;
  // Bounded: a family longer than this is not one a person re-runs by hand.
  for (let hops = 0; root.rerunOf !== null && hops < 1000; hops++) root = store.runs.get(root.rerunOf) ?? root;
  if (root.name === null) return null;
  let count = 0;
  const queue = [root.runId];
  while (queue.length > 0 && count < 10_000) {
    count++;
    queue.push(...store.runs.reruns(queue.shift()!));
  }
  return `${root.name} (${count + 1})`;
}

/** Names a run, or (null) removes its name; announced so every dashboard shows it. */
export function renameRun(store: Store, runId: string, name: string | null): RunRecord | undefined {
  const run = store.db.transaction(() => (store.runs.get(runId) ? store.runs.rename(runId, name) : undefined));
  if (run)
    store.announce(
      [],
      store.runs.jobs(runId).map((j) => j.jobId),
      false,
    );
  return run;
}
