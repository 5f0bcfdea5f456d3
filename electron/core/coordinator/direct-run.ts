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
import { BundleError, DEFAULT_MAX_ENTRIES, extractBundle } from '../runner/bundle.ts';
import { runCommands, type RunResult } from '../runner/executor.ts';
import { jobEnvironment } from '../runner/job-env.ts';
import type { CoordinatorContext } from './context.ts';
import { HttpError } from './http-error.ts';
import type { StoredUpload } from './uploads.ts';

/** Runs the commands on the coordinator and streams Server-Sent Events; a hang-up kills the processes. */
export async function runDirect(ctx: CoordinatorContext, res: Response, upload: StoredUpload, commands: string, timeoutSeconds: number): Promise<void> {
  const execId = `exec-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const dir = join(ctx.tmpDir, execId);
  const hangUp = new AbortController();
  ctx.directRuns.add(hangUp);
  res.on('close', () => hangUp.abort());
  ctx.guard.keepOpen(res.req.socket); // a command may print nothing for minutes; the client's hang-up still ends it
  try {
    let runDir: string;
    try {
      runDir = (await extractBundle(upload.path, dir, { maxBytes: ctx.settings.maxUploadBytes * 4, maxEntries: DEFAULT_MAX_ENTRIES })).runDir;
    } catch (error) {
      if (error instanceof BundleError) throw new HttpError(400, error.message);
      throw error;
    }
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Exec-Id': execId, 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const send = (event: string, data: unknown): void | Promise<void> => {
      if (res.writableEnded || res.destroyed) return;
      if (res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) return;
      // Backpressure: a slow reader pauses the command's output instead of filling our memory.
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    };
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    ctx.logger.info('direct run started', { execId });
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const result: RunResult = await runCommands({
      commands,
      cwd: runDir,
      // The coordinator's tokens and environment stay out of reach of the commands it runs.
      sandbox: { env: jobEnvironment(process.env, { home, tmp: home, jobId: execId }), jobId: execId },
      timeoutMs: timeoutSeconds * 1000,
      signal: hangUp.signal,
      onOutput: (stream, chunk) => send(stream, { data: decoders[stream].write(chunk) }),
    });
    ctx.logger.info('direct run ended', { execId, result });
    if (result.status === 'completed') await send('exit', { exitCode: result.exitCode });
    else if (result.status === 'timed_out') await send('error', { error: `timed out after ${result.afterSeconds} s` });
    else if (result.status === 'error') await send('error', { error: result.message });
  } finally {
    ctx.directRuns.delete(hangUp);
    await rm(dir, { recursive: true, force: true });
    await rm(upload.path, { force: true });
    // Ended only after the cleanup, so a client that saw the end sees no leftovers.
    if (res.headersSent && !res.writableEnded) res.end();
  }
}
