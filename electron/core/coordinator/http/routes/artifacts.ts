/** Result files: a worker uploads a job's artifacts (a zip); the admin downloads them per job, per file or per run. */
import { createReadStream } from 'node:fs';
import { type Response } from 'express';
import { requireWorker, scopeOf } from '../auth.ts';
import { assertJobVisible } from '../../people/scope-checks.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { queryString } from '../validate.ts';
import { getJobSummary } from '../../jobs/job-queries.ts';
import { setArtifacts } from '../../jobs/job-commands.ts';
import { attachmentHeader, runFileName } from '../../runs/run-file-name.ts';
import { statusOf } from './run-lookup.ts';
import { RouteHandlers } from '../endpoint-routes.ts';

export function artifactRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();

  routes.on('postJobsArtifacts', async (req, res) => {
    const jobId = queryString(req.query.jobId, 'jobId');
    const workerId = requireWorker(res, queryString(req.query.workerId, 'workerId') || undefined);
    if (!jobId || !workerId) throw new HttpError(400, 'jobId and workerId are required');
    const job = getJobSummary(ctx.store, jobId);
    if (!job) throw new HttpError(404, 'Job not found', {}, 'job_not_found');
    if (job.workerId !== workerId) throw new HttpError(403, `Job ${jobId} was not run by worker ${workerId}.`);
    if (job.artifactPatterns.length === 0) throw new HttpError(400, `Job ${jobId} asked for no artifacts; nothing is kept.`);
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > ctx.settings.maxUploadBytes) {
      throw new HttpError(
        413,
        `The artifacts are larger than the coordinator accepts (${Math.round(ctx.settings.maxUploadBytes / 1024 ** 2)} MB, --max-upload-mb).`,
      );
    }
    if (ctx.artifacts.has(jobId) && job.artifactCount > 0) {
      req.resume(); // a repeat of an upload we kept (its answer was lost): accepted again
      return void res.json({ success: true, jobId, files: job.artifactCount });
    }
    // One upload per job at a time, within the artifacts quota and the disk's free-space floor.
    const run = job.runId === null ? undefined : ctx.store.runs.get(job.runId);
    const reportGlobs = run?.grading?.report;
    const listed = await ctx.artifacts.receive(req, jobId, ctx.settings.maxUploadBytes, Number.isFinite(declared) ? declared : undefined, reportGlobs);
    setArtifacts(ctx.store, jobId, listed.files, listed.report);
    await ctx.commit.durable();
    ctx.logger.info('artifacts received', { jobId, workerId, files: listed.files.length, tests: listed.report?.counts ?? null, unread: listed.unread.length });
    res.json({ success: true, jobId, files: listed.files.length });
  });

  routes.on('getJobsArtifacts', async (req, res) => {
    const jobId = queryString(req.query.jobId, 'jobId');
    if (!jobId) throw new HttpError(400, 'jobId is required');
    const job = getJobSummary(ctx.store, jobId);
    if (!job) throw new HttpError(404, 'Job not found', {}, 'job_not_found');
    assertJobVisible(ctx.store, jobId, scopeOf(res));
    if (!ctx.artifacts.has(jobId))
      throw new HttpError(
        404,
        `Job ${jobId} has no artifacts${job.artifactPatterns.length ? ' (yet: its worker sends them when the commands end)' : ' (it did not ask for any)'}.`,
      );
    const path = queryString(req.query.path, 'path');
    if (path === undefined) {
      return sendFile(res, `${safeName(job.filename.replace(/\.zip$/i, ''))}-${safeName(jobId)}-artifacts.zip`, 'application/zip', () =>
        createReadStream(ctx.artifacts.path(jobId)),
      );
    }
    const file = await ctx.artifacts.openFile(jobId, path);
    if (!file) throw new HttpError(404, `Job ${jobId} has no artifact ${JSON.stringify(path.slice(0, 200))}.`);
    res.setHeader('Content-Length', String(file.size));
    sendFile(res, safeName(path.split('/').pop() ?? 'artifact'), 'application/octet-stream', () => file.stream);
  });

  routes.on('getRunsArtifacts', (req, res) => {
    const status = statusOf(ctx, req.query.runId, scopeOf(res));
    // A folder per PC (each) or per input zip (map), named so that two never collide.
    const used = new Set<string>();
    const parts = status.jobs.map((job) => {
      const base = safeName(status.mode === 'each' ? (job.hostname ?? job.workerId ?? job.jobId) : job.filename.replace(/\.zip$/i, ''));
      let folder = base;
      for (let n = 2; used.has(folder); n++) folder = `${base}-${n}`;
      used.add(folder);
      return { jobId: job.jobId, folder };
    });
    sendFile(res, runFileName(status, 'zip', ' result files'), 'application/zip', () => ctx.artifacts.runZip(parts));
  });

  return routes;
}

function sendFile(res: Response, name: string, type: string, open: () => NodeJS.ReadableStream): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', attachmentHeader(name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const stream = open();
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Only characters safe in a header and a file name. */
function safeName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 100) || 'artifact'
  );
}
