/** POST /api/execute: a zip plus commands, run on a worker (distributed) or here, streamed (direct). */
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { LIMITS } from '../../../../../shared/api.ts';
import { createJobBody } from '../../../../../shared/api-schemas.ts';
import type { CoordinatorContext } from '../../context.ts';
import { runDirect } from '../../jobs/direct-run.ts';
import { HttpError } from '../http-error.ts';
import { receiveUpload } from '../../files/uploads.ts';
import { artifactsField, integerParam, shellField, targetField } from '../validate.ts';
import { assertQueueHasRoom, scopedJobTarget } from './jobs.ts';
import { scopeOf } from '../auth.ts';
import { outOfScope } from '../../people/scope.ts';
import { createJob } from '../../jobs/job-commands.ts';
import { RouteHandlers } from '../endpoint-routes.ts';

const MODES = ['distributed', 'direct'] as const;

export function executeRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();

  routes.on('postExecute', async (req, res) => {
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
      const target = targetField(fields.target);
      const shell = shellField(fields.shell);
      const scope = scopeOf(res);
      if (target && mode === 'direct') throw new HttpError(400, 'A direct run happens on the coordinator itself; "target" is for mode=distributed.');
      if (mode === 'distributed') {
        const scoped = scopedJobTarget(ctx, target, scope);
        assertQueueHasRoom(ctx);
        const input = createJobBody.parse({
          command: commands,
          fileUrl: upload.fileUrl,
          filename,
          timeoutSeconds: integerParam(fields.timeoutSeconds, 'timeoutSeconds', 1, LIMITS.maxTimeoutSeconds),
          maxAttempts: integerParam(fields.maxAttempts, 'maxAttempts', 1, LIMITS.maxAttempts),
          target: scoped,
          artifacts: artifactsField(fields.artifacts),
          shell,
        });
        ctx.uploadIndex.record(upload.name, upload.sha256);
        const job = createJob(ctx.store, { ...input, fileSha256: upload.sha256, artifactPatterns: input.artifacts });
        await ctx.commit.durable();
        return void res.json({
          success: true,
          jobId: job.jobId,
          mode: 'distributed',
          message: 'Job created. Waiting for idle worker to pick it up.',
          checkStatusUrl: `/api/jobs/status?jobId=${job.jobId}`,
        });
      }
      // The coordinator's own PC is in nobody's room.
      if (scope) throw outOfScope('A direct run on the coordinator PC', scope);
      if (!ctx.settings.directRuns) {
        throw new HttpError(403, 'Direct runs are turned off on this coordinator (--no-direct); send the job to a worker with mode=distributed.');
      }
      const timeoutSeconds = integerParam(fields.timeoutSeconds, 'timeoutSeconds', 1, LIMITS.maxTimeoutSeconds) ?? 3600;
      await runDirect(ctx, res, upload, { commands, timeoutSeconds, shell: shell ?? null }, filename);
    } catch (error) {
      if (upload) await rm(upload.path, { force: true }); // a refused request leaves no file behind
      throw error;
    }
  });

  return routes;
}

/** The client's name is kept for display only; it never becomes a path. */
export function safeFilename(name: string): string {
  const printable = [...name].filter((c) => c >= ' ' && c !== '\u007f').join('');
  const base = basename(printable.replace(/\\/g, '/')).slice(0, LIMITS.shortText);
  return base || 'project.zip';
}
