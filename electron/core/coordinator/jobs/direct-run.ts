/**
 * Direct mode: a zip and commands run here on the coordinator, their output streamed back as
 * Server-Sent Events; the client hanging up kills the processes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Response } from 'express';
import { BundleError, DEFAULT_MAX_ENTRIES, extractBundle } from '../../runner/bundle.ts';
import { runCommands, type RunResult } from '../../runner/executor.ts';
import { jobEnvironment } from '../../runner/job-env.ts';
import { WindowsJobObject } from '../../runner/windows/job-object.ts';
import type { CoordinatorContext } from '../context.ts';
import { DIRECT_WORKER_ID } from '../../../../shared/targets.ts';
import type { ShellName } from '../../../../shared/shells.ts';
import { drained } from '../http/drained.ts';
import { Refused } from '../refused.ts';
import type { StoredUpload } from '../files/uploads.ts';
import { cancelJob, completeJob, failJob, startDirectJob } from './job-commands.ts';
import { getJobSummary } from './job-queries.ts';
import { appendOutput } from './job-output.ts';

/** What a direct run runs: its lines, its time limit, and its shell (null: this PC's default). */
export interface DirectRunSpec {
  commands: string;
  timeoutSeconds: number;
  shell: ShellName | null;
}

/**
 * Runs the commands on the coordinator and streams Server-Sent Events; a hang-up (or a cancel on the
 * dashboard) kills the processes. The run is recorded as a job of worker `coordinator`, with its output.
 */
export async function runDirect(ctx: CoordinatorContext, res: Response, upload: StoredUpload, run: DirectRunSpec, filename: string): Promise<void> {
  const { commands, timeoutSeconds, shell } = run;
  const job = startDirectJob(ctx.store, { command: commands, fileUrl: upload.fileUrl, filename, timeoutSeconds, fileSha256: upload.sha256, shell });
  const execId = job.jobId;
  const dir = join(ctx.tmpDir, `exec-${Date.now()}-${randomBytes(4).toString('hex')}`);
  const hangUp = new AbortController();
  ctx.directRuns.add(hangUp);
  res.on('close', () => hangUp.abort());
  const onJob = (id: string) => {
    if (id === execId && getJobSummary(ctx.store, id)?.cancelRequested) hangUp.abort();
  };
  ctx.events.on('job', onJob);
  const record = new DirectRecord(ctx, execId);
  ctx.guard.keepOpen(res.req.socket); // a command may print nothing for minutes; the client's hang-up still ends it
  try {
    let runDir: string;
    try {
      runDir = (await extractBundle(upload.path, dir, { maxBytes: ctx.settings.maxUploadBytes * 4, maxEntries: DEFAULT_MAX_ENTRIES })).runDir;
    } catch (error) {
      record.fail(error instanceof BundleError ? error.message : 'The zip could not be unpacked on the coordinator.', 'error');
      if (error instanceof BundleError) throw new Refused('invalid_zip', error.message);
      throw error;
    }
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Exec-Id': execId, 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const send = (event: string, data: unknown): void | Promise<void> => {
      if (res.writableEnded || res.destroyed) return;
      if (res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) return;
      return drained(res); // a slow reader pauses the command's output instead of filling our memory
    };
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    ctx.logger.info('direct run started', { execId });
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    // On Windows its processes share a Job Object, so a stop ends them all (none where the PC gives none).
    const created = process.platform === 'win32' ? WindowsJobObject.create() : undefined;
    const jobObject = created && !('unavailable' in created) ? created : undefined;
    const result: RunResult = await runCommands({
      commands,
      cwd: runDir,
      // The coordinator's tokens and environment stay out of reach of the commands it runs.
      sandbox: {
        env: jobEnvironment(process.env, { home, tmp: home, jobId: execId }),
        jobId: execId,
        ...(jobObject ? { jobObject } : {}),
      },
      timeoutMs: timeoutSeconds * 1000,
      shell: shell ?? undefined,
      signal: hangUp.signal,
      onOutput: (stream, chunk) => {
        const data = decoders[stream].write(chunk);
        record.output(stream, data);
        return send(stream, { data });
      },
    }).finally(() => jobObject?.close());
    ctx.logger.info('direct run ended', { execId, result });
    record.end(result, hangUp.signal.aborted);
    if (result.status === 'completed') await send('exit', { exitCode: result.exitCode });
    else if (result.status === 'timed_out') await send('error', { error: `timed out after ${result.afterSeconds} s` });
    else if (result.status === 'error') await send('error', { error: result.message });
  } finally {
    ctx.events.off('job', onJob);
    record.end({ status: 'error', message: 'The direct run stopped before it finished.' }, hangUp.signal.aborted);
    await ctx.commit.durable().catch(() => {});
    ctx.directRuns.delete(hangUp);
    await rm(dir, { recursive: true, force: true });
    await rm(upload.path, { force: true }); // a direct run's zip is not kept (its job says so: nothing to run again)
    // Ended only after the cleanup, so a client that saw the end sees no leftovers.
    if (res.headersSent && !res.writableEnded) res.end();
  }
}

/** The direct run's job: its output, in order, and its end (once). */
class DirectRecord {
  readonly #ctx: CoordinatorContext;
  readonly #jobId: string;
  #seq = 0;
  #ended = false;

  constructor(ctx: CoordinatorContext, jobId: string) {
    this.#ctx = ctx;
    this.#jobId = jobId;
  }

  output(stream: 'stdout' | 'stderr', data: string): void {
    if (data) appendOutput(this.#ctx.store, this.#jobId, DIRECT_WORKER_ID, [{ stream, seq: this.#seq++, data, time: Date.now() }]);
  }

  fail(message: string, reason: 'error' | 'timeout'): void {
    if (this.#ended) return;
    this.#ended = true;
    failJob(this.#ctx.store, { jobId: this.#jobId, workerId: DIRECT_WORKER_ID, errorMessage: message, endReason: reason });
  }

  end(result: RunResult, hungUp: boolean): void {
    if (this.#ended) return;
    if (result.status === 'completed') {
      this.#ended = true;
      completeJob(this.#ctx.store, { jobId: this.#jobId, workerId: DIRECT_WORKER_ID, exitCode: result.exitCode });
    } else if (result.status === 'timed_out') this.fail(`timed out after ${result.afterSeconds} s`, 'timeout');
    else if (result.status === 'cancelled' || hungUp) {
      cancelJob(this.#ctx.store, this.#jobId); // the client hung up or the admin cancelled: ends as cancelled
      this.fail('Cancelled: the client that started the direct run went away, or it was cancelled.', 'error');
    } else this.fail(result.message, 'error');
  }
}
