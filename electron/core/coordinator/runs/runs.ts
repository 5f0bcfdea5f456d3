/**
 * Runs: many jobs created together (one per matching worker, or one per zip) and followed as one.
 * Every job of a run is an ordinary job; a run's state is read from its jobs, never kept twice.
 */
import type { JobTarget, RunDto, RunMode, RunStatusDto } from '../../../../shared/api.ts';
import { LIMITS } from '../../../../shared/api.ts';
import type { RunRecord } from '../state/repositories/runs.ts';
import { toRunDto } from '../state/repositories/runs.ts';
import type { StoreCore } from '../state/store-core.ts';
import { describeTarget, matchesTarget, normalizeTarget } from '../jobs/targeting.ts';

export const DEFAULT_DEADLINE_SECONDS = 24 * 3600;

export interface RunZip {
  fileUrl: string;
  filename: string;
  fileSha256: string | null;
}

export interface CreateRunInput {
  mode: RunMode;
  command: string;
  target: JobTarget | null;
  timeoutSeconds: number;
  maxAttempts: number;
  maxParallel: number | null;
  deadlineSeconds: number;
  scorePattern: string | null;
  artifactPatterns: string[];
  /** each: the one zip every PC runs; map: one job per zip. */
  zips: RunZip[];
}

export type CreateRunOutcome = { ok: true; run: RunRecord; jobIds: string[] } | { ok: false; message: string };

/** Why a target cannot be used, in a sentence, or null when it selects at least one registered worker. */
export function checkTarget(core: StoreCore, target: JobTarget | null): string | null {
  if (!target) return null;
  const workers = core.workers.all().filter((w) => !w.revoked);
  const unknown = target.workers?.filter((id) => !workers.some((w) => w.workerId === id)) ?? [];
  if (unknown.length)
    return `No worker named ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''} is registered; check the names on the dashboard's workers list.`;
  if (!workers.some((w) => matchesTarget(target, w)))
    return `No registered worker matches the target (${describeTarget(target)}); check the workers' tags and OS on the dashboard.`;
  return null;
}

/** Creates the run and all its jobs in one transaction (durable together, or not at all). */
export function createRun(core: StoreCore, input: CreateRunInput): CreateRunOutcome {
  const target = normalizeTarget(input.target);
  const now = core.now();
  const outcome = core.db.transaction((): CreateRunOutcome => {
    const problem = checkTarget(core, target);
    if (problem) return { ok: false, message: problem };
    const zip = input.zips[0];
    const run = core.runs.insert(
      {
        mode: input.mode,
        command: input.command,
        target,
        maxParallel: input.maxParallel,
        scorePattern: input.scorePattern,
        timeoutSeconds: input.timeoutSeconds,
        maxAttempts: input.maxAttempts,
        deadlineSeconds: input.deadlineSeconds,
        fileUrl: input.mode === 'each' ? (zip?.fileUrl ?? null) : null,
        filename: input.mode === 'each' ? (zip?.filename ?? null) : null,
        artifactPatterns: input.artifactPatterns,
      },
      now,
    );
    const common = {
      command: input.command,
      timeoutSeconds: input.timeoutSeconds,
      maxAttempts: input.maxAttempts,
      runId: run.runId,
      artifactPatterns: input.artifactPatterns,
    };
    const jobIds: string[] = [];
    if (input.mode === 'each') {
      if (!zip) return { ok: false, message: 'A run needs its zip (an empty one runs in an empty folder).' };
      const workers = core.workers.all().filter((w) => !w.revoked && matchesTarget(target, w));
      if (workers.length > LIMITS.maxRunJobs)
        return { ok: false, message: `The target selects ${workers.length} workers; a run may have at most ${LIMITS.maxRunJobs} jobs.` };
      for (const worker of workers) {
        jobIds.push(core.jobs.insert({ ...common, ...zip, target: { workers: [worker.workerId] }, deadlineAt: now + input.deadlineSeconds * 1000 }, now));
      }
    } else {
      for (const each of input.zips) jobIds.push(core.jobs.insert({ ...common, ...each, target }, now));
    }
    return { ok: true, run, jobIds };
  });
  if (outcome.ok) core.announce([], outcome.jobIds, true);
  return outcome;
}

export function runDto(core: StoreCore, run: RunRecord): RunDto {
  return toRunDto(run, core.runs.summary(run.runId));
}

export function runStatus(core: StoreCore, runId: string): RunStatusDto | undefined {
  const run = core.runs.get(runId);
  if (!run) return undefined;
  const jobs = core.runs.jobs(runId);
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
  return { ...runDto(core, run), jobs, groups };
}

/** One page of runs, newest first, with their summaries. */
export function pageRuns(core: StoreCore, limit: number, before?: string): { runs: RunDto[]; total: number; nextBefore: string | null } {
  const beforeSeq = before === undefined ? Number.MAX_SAFE_INTEGER : (core.runs.get(before)?.seq ?? 0);
  const rows = core.runs.page(beforeSeq, limit + 1);
  const page = rows.slice(0, limit);
  return { runs: page.map((run) => runDto(core, run)), total: core.runs.count(), nextBefore: rows.length > limit ? page.at(-1)!.runId : null };
}

/** What a re-run of `runId` repeats: the workers (each) or zips (map) of its failed jobs, or of all of them. */
export function rerunInput(core: StoreCore, runId: string, only: 'failed' | 'all'): CreateRunInput | { ok: false; message: string; status: number } {
  const run = core.runs.get(runId);
  if (!run) return { ok: false, status: 404, message: 'Run not found' };
  const jobs = core.runs.jobs(runId).filter((j) => only === 'all' || j.status === 'failed' || (j.status === 'completed' && j.exitCode !== 0));
  if (jobs.length === 0)
    return { ok: false, status: 400, message: `No job of run ${runId} failed; there is nothing to re-run (use only: "all" to run it all again).` };
  const base = {
    mode: run.mode,
    command: run.command,
    timeoutSeconds: run.timeoutSeconds,
    maxAttempts: run.maxAttempts,
    maxParallel: run.maxParallel,
    deadlineSeconds: run.deadlineSeconds,
    scorePattern: run.scorePattern,
    artifactPatterns: run.artifactPatterns,
  };
  if (run.mode === 'each') {
    const workers = [...new Set(jobs.map((j) => j.workerId).filter((id): id is string => id !== null))];
    const zip = core.jobs.get(jobs[0]!.jobId)!;
    return { ...base, target: { workers }, zips: [{ fileUrl: zip.fileUrl, filename: zip.filename, fileSha256: zip.fileSha256 }] };
  }
  const zips = jobs.map((j) => core.jobs.get(j.jobId)!).map((job) => ({ fileUrl: job.fileUrl, filename: job.filename, fileSha256: job.fileSha256 }));
  return { ...base, target: run.target, zips };
}
