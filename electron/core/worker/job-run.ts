/**
 * One job's run on a worker: download (or take from the cache) and extract its zip, run its commands,
 * stream their output, and end with a final report that is in the outbox before this returns.
 */
import { plainText } from '../../../shared/terminal-text.ts';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssignedJobDto, OutputStream } from '../../../shared/api.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_MAX_ENTRIES, extractBundle } from '../runner/bundle.ts';
import { runCommands, type RunResult, type Suspension } from '../runner/executor.ts';
import type { WarmShell } from '../runner/warm-shell.ts';
import type { BundleCache } from './bundle-cache.ts';
import { collectArtifacts, zipArtifacts } from './artifacts.ts';
import { watchForCancel } from './cancel-watch.ts';
import type { CoordinatorClient } from './coordinator-client.ts';
import type { JobMarker } from './crash-recovery.ts';
import type { JobIsolation, PreparedJob } from './job-isolation.ts';
import type { FinalReport, Outbox } from './outbox.ts';
import type { PeerSharing } from './peer-sharing.ts';
import { OutputPump } from './output-pump.ts';
import { applyParams } from './job-params.ts';
import { classify } from './retry.ts';
import { asStop, endReasonOf } from './stop-cause.ts';
import { addHiddenTests } from './hidden-tests.ts';
import { fetchZip } from './zip-fetch.ts';
import { JobPhases } from './job-phases.ts';
import type { WorkerEndReason } from '../../../shared/job-status.ts';

/** When the control poll opens after a job starts. */
const CONTROL_POLL_AFTER_MS = 250;

export interface JobRunContext {
  client: CoordinatorClient;
  cache: BundleCache;
  /** Absent: every zip comes from the coordinator. */
  peers?: PeerSharing;
  outbox: Outbox;
  warmShell: WarmShell;
  isolation: JobIsolation;
  logger: Logger;
  workerId: string;
  maxExtractBytes: number;
  maxOutputBytes: number;
  maxArtifactsBytes: number;
  killGraceMs: number;
  marker: JobMarker;
  /** Aborted to cancel; `cancelReason()` then says why. */
  cancel: AbortSignal;
  cancelReason: () => string;
  /** The end reason a cancel on this side means (the worker stopping, the student back at the PC). */
  cancelCause?: () => WorkerEndReason;
  /** The coordinator asked (in an output answer or the control poll) to cancel. */
  onCancelRequested: () => void;
  onText: (stream: OutputStream, text: string, time: number) => void;
  onCommandStart?: (jobId: string, startedAt: number) => void;
  /** Freezes the job while the PC's user is back (the lab's policy). */
  suspension?: Suspension;
  priority?: 'low' | 'normal';
}

/** Runs `job` to its final report; never throws. The job's processes and folders are gone when this returns. */
export async function runJob(job: AssignedJobDto, ctx: JobRunContext): Promise<FinalReport> {
  let prepared: PreparedJob | undefined;
  const phases = new JobPhases();
  try {
    prepared = await ctx.isolation.prepare(job.jobId);
    phases.mark('prepare');
    return await execute(job, prepared, ctx, phases);
  } catch (error) {
    const report: FinalReport = {
      kind: 'failure',
      jobId: job.jobId,
      errorMessage: ctx.cancel.aborted ? ctx.cancelReason() : (error as Error).message,
      endReason: ctx.cancel.aborted ? (ctx.cancelCause?.() ?? 'error') : endReasonOf(error),
    };
    ctx.outbox.put(report);
    return report;
  } finally {
    await prepared?.finish();
    phases.mark('finish');
    ctx.logger.info('job phases', { jobId: job.jobId, ms: phases.figures });
  }
}

async function execute(job: AssignedJobDto, prepared: PreparedJob, ctx: JobRunContext, phases: JobPhases): Promise<FinalReport> {
  const { runDir } = await fetchAndExtract(job, prepared.jobDir, prepared.filesDir, ctx, phases);
  // A grading run's hidden tests go over the student's files while the folder is still the worker's.
  const testsNote = job.tests && (await addHiddenTests(job.tests, { jobId: job.jobId, jobDir: prepared.jobDir, runDir }, ctx));
  prepared.handOver();
  phases.mark('handOver');
  if (ctx.cancel.aborted) throw new Error('cancelled before the commands started');
  const pump = new OutputPump({
    send: (chunks) => ctx.client.sendLogs(job.jobId, ctx.workerId, chunks),
    isFinal: (error) => classify(error, 'job') === 'give-up',
    maxBytesPerStream: ctx.maxOutputBytes,
    firstSeq: job.logStart ?? 0,
    onCancel: ctx.onCancelRequested,
    onGap: (expected, next) => ctx.logger.warn('the coordinator is missing output chunks', { jobId: job.jobId, expected, next }),
    onRetry: (error, attempt) => {
      if (attempt === 1) ctx.logger.warn('could not send output; retrying', { jobId: job.jobId, error: (error as Error).message });
    },
    onText: ctx.onText,
  });
  if (testsNote) await pump.write('stdout', workerNote(testsNote));
  let commandStartedAt: number | undefined;
  const running = new AbortController();
  // Opened a moment after the start: most short jobs end first, and a cancel still arrives within a second.
  const watch = setTimeout(
    () =>
      void watchForCancel({
        client: ctx.client,
        jobId: job.jobId,
        workerId: ctx.workerId,
        signal: AbortSignal.any([running.signal, ctx.cancel]),
        onCancel: ctx.onCancelRequested,
      }),
    CONTROL_POLL_AFTER_MS,
  );
  running.signal.addEventListener('abort', () => clearTimeout(watch), { once: true });
  // Parameters travel in the environment; the commands only refer to them (job-params.ts).
  const params = applyParams(job.command, job.params, job.shell);
  const result: RunResult = await runCommands({
    commands: params.commands,
    cwd: runDir,
    timeoutMs: job.timeoutSeconds * 1000,
    shell: job.shell ?? undefined,
    signal: ctx.cancel,
    killGraceMs: ctx.killGraceMs,
    onOutput: (stream, chunk) => pump.write(stream, chunk),
    // A warm shell was started with the environment of no job in particular: a job with parameters spawns its own.
    warmShell: ctx.isolation.warmShellAllowed && !job.params ? ctx.warmShell : undefined,
    sandbox: job.params ? { ...prepared.sandbox, env: { ...prepared.sandbox.env, ...params.env } } : prepared.sandbox,
    suspension: ctx.suspension,
    priority: ctx.priority,
    onCommandStart: (_line, pid, at) => {
      if (commandStartedAt === undefined) {
        phases.mark('spawn');
        commandStartedAt = at;
        ctx.onCommandStart?.(job.jobId, at);
      }
      ctx.marker.addProcessGroup(pid); // so that a restarted worker can stop what this job left running
    },
  });
  phases.mark('commands');
  const report = reportOf(job.jobId, result, ctx, commandStartedAt);
  // Durable before anything else can go wrong: a worker killed while it zips the result files still reports the exit code.
  ctx.outbox.put(report);
  phases.mark('report');
  try {
    // The control poll stays open meanwhile: zipping large artifacts must not look like a worker gone away.
    if (job.artifacts?.length && result.status !== 'error' && (await bringBack(job, runDir, pump, ctx))) {
      report.artifacts = true;
      ctx.outbox.put(report);
    }
  } finally {
    running.abort();
  }
  await pump.close();
  phases.mark('close');
  return report;
}

/** Zips the job's result files into the outbox; says in its log what was left out. True when there is something to send. */
async function bringBack(job: AssignedJobDto, runDir: string, pump: OutputPump, ctx: JobRunContext): Promise<boolean> {
  const collected = collectArtifacts(runDir, job.artifacts!, { maxBytes: ctx.maxArtifactsBytes });
  for (const note of collected.notes) await pump.write('stdout', workerNote(`artifacts: ${note}`));
  if (collected.files.length === 0) return false;
  const refused = await zipArtifacts(runDir, collected.files, ctx.outbox.artifactsPath(job.jobId));
  for (const note of refused) await pump.write('stdout', workerNote(`artifacts: ${note}`));
  ctx.logger.info('artifacts collected', { jobId: job.jobId, files: collected.files.length });
  return true;
}

function reportOf(
  jobId: string,
  result: RunResult,
  ctx: Pick<JobRunContext, 'cancelReason' | 'cancelCause'>,
  commandStartedAt: number | undefined,
): FinalReport {
  switch (result.status) {
    case 'completed':
      return { kind: 'result', jobId, exitCode: result.exitCode, commandStartedAt };
    case 'timed_out':
      return { kind: 'failure', jobId, errorMessage: `timed out after ${result.afterSeconds} s`, endReason: 'timeout', commandStartedAt };
    case 'cancelled':
      return { kind: 'failure', jobId, errorMessage: ctx.cancelReason(), endReason: ctx.cancelCause?.() ?? 'error', commandStartedAt };
    case 'error':
      return { kind: 'failure', jobId, errorMessage: result.message, endReason: 'spawn_failed', commandStartedAt };
  }
}

/** The job's zip, from the cache or downloaded (then cached), extracted into the job folder. */
async function fetchAndExtract(job: AssignedJobDto, jobDir: string, filesDir: string, ctx: JobRunContext, phases: JobPhases): Promise<{ runDir: string }> {
  const zipPath = join(jobDir, 'bundle.zip');
  await fetchZip({ fileUrl: job.fileUrl, fileSha256: job.fileSha256, what: 'project zip' }, zipPath, job.jobId, ctx);
  phases.mark('fetch');
  const extractStart = performance.now();
  const extracted = await asStop('zip_refused', () => extractBundle(zipPath, filesDir, { maxBytes: ctx.maxExtractBytes, maxEntries: DEFAULT_MAX_ENTRIES }));
  ctx.logger.info('bundle extracted', { jobId: job.jobId, ms: Math.round(performance.now() - extractStart) });
  // Gone before the job folder is handed to the job account: a hard link to the cache must never be chowned.
  await rm(zipPath, { force: true });
  phases.mark('extract');
  return extracted;
}

/** A line of the worker's own in a job's log; it may carry job-chosen names (a file's), so it is plain text. */
function workerNote(text: string): Buffer {
  return Buffer.from(`[cmdx: ${plainText(text)}]\n`);
}
