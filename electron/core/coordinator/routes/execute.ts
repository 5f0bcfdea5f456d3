/** POST /api/execute: a zip plus commands, run on a worker (distributed) or here, streamed (direct). */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Router, type Response } from 'express';
import { LIMITS } from '../../../../shared/api.ts';
import { createJobBody } from '../../../../shared/api-schemas.ts';
import { BundleError, DEFAULT_MAX_ENTRIES, extractBundle } from '../../worker/bundle.ts';
import { runCommands, type RunResult } from '../../worker/executor.ts';
import { requireAdmin } from '../auth.ts';
import type { CoordinatorContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { receiveUpload, type StoredUpload } from '../uploads.ts';
import { integerParam } from '../validate.ts';
import { assertQueueHasRoom } from './jobs.ts';

const MODES = ['distributed', 'direct'] as const;

export function executeRoutes(ctx: CoordinatorContext): Router {
  const router = Router();

  router.post('/api/execute', async (req, res) => {
    requireAdmin(res);
    if (!req.is('multipart/form-data')) {
      throw new HttpError(400, 'Send the upload as multipart/form-data with a "file" (zip) and "commands" field.');
    }
    const upload = await receiveUpload(req, res, ctx.uploadsDir, ctx.settings.maxUploadBytes);
    try {
      const fields = (req.body ?? {}) as Record<string, unknown>;
      const commands = typeof fields.commands === 'string' ? fields.commands : '';
      if (!upload || commands.trim() === '') throw new HttpError(400, 'file and commands are required');
      const mode = fields.mode === undefined || fields.mode === '' ? 'direct' : fields.mode;
      if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
        throw new HttpError(400, `mode must be "distributed" or "direct" (got ${JSON.stringify(mode).slice(0, 50)}).`);
      }
      if (commands.length > LIMITS.commandLength) throw new HttpError(413, 'commands may be at most 64 KB.');
      const filename = safeFilename(upload.originalName);
      if (mode === 'distributed') {
        assertQueueHasRoom(ctx);
        const input = createJobBody.parse({
          command: commands,
          fileUrl: upload.fileUrl,
          filename,
          timeoutSeconds: integerParam(fields.timeoutSeconds, 'timeoutSeconds', 1, LIMITS.maxTimeoutSeconds),
          maxAttempts: integerParam(fields.maxAttempts, 'maxAttempts', 1, LIMITS.maxAttempts),
        });
        const job = ctx.store.createJob(input);
        await ctx.commit.durable();
        return void res.json({
          success: true,
          jobId: job.jobId,
          mode: 'distributed',
          message: 'Job created. Waiting for idle worker to pick it up.',
          checkStatusUrl: `/api/jobs/status?jobId=${job.jobId}`,
        });
      }
      await runDirect(ctx, res, upload, commands, integerParam(fields.timeoutSeconds, 'timeoutSeconds', 1, LIMITS.maxTimeoutSeconds) ?? 3600);
    } catch (error) {
      if (upload) await rm(upload.path, { force: true }); // a refused request leaves no file behind
      throw error;
    }
  });

  return router;
}

/** The client's name is kept for display only; it never becomes a path. */
function safeFilename(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, LIMITS.shortText);
  return base || 'project.zip';
}

/** Runs the commands on the coordinator and streams Server-Sent Events; a hang-up kills the processes. */
async function runDirect(ctx: CoordinatorContext, res: Response, upload: StoredUpload, commands: string, timeoutSeconds: number): Promise<void> {
  const execId = `exec-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const dir = join(ctx.tmpDir, execId);
  const hangUp = new AbortController();
  ctx.directRuns.add(hangUp);
  res.on('close', () => hangUp.abort());
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
        const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
        res.once('drain', done);
        res.once('close', done);
      });
    };
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    ctx.logger.info('direct run started', { execId });
    const result: RunResult = await runCommands({
      commands,
      cwd: runDir,
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
