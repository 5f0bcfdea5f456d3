/**
 * GET /uploads/<name>: a job's zip, for the admin or the worker that runs that job. Never a listing.
 * POST /api/jobs/zip-source: whether that worker fetches it here or from a peer (files/zip-sources.ts).
 */
import { createReadStream } from 'node:fs';
import express from 'express';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { principalOf, requireWorker } from '../auth.ts';
import { zipSourceBody } from '../../../../../shared/api-schemas.ts';
import { parseBody } from '../validate.ts';
import type { CoordinatorContext } from '../../context.ts';
import { garbageBudget } from '../../../runner/memory.ts';
import { HttpError } from '../http-error.ts';
import { UPLOAD_NAME_PATTERN, uploadUrl } from '../../../../../shared/uploads.ts';
import { RouteHandlers } from '../endpoint-routes.ts';

export function fileRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();

  routes.on('getUploadsName', (req, res, next) => {
    const name = req.params.name;
    // Only names we generated: no dots, slashes or encodings can reach the file system.
    if (typeof name !== 'string' || !UPLOAD_NAME_PATTERN.test(name)) throw new HttpError(404, 'Upload not found');
    const p = principalOf(res);
    if (p.role === 'join') throw new HttpError(403, 'The join token can only register workers.');
    if (p.role === 'worker' && !ctx.uploadIndex.mayFetch(p.workerId, uploadUrl(name))) {
      throw new HttpError(403, 'This worker is not running a job that uses this file.');
    }
    const path = join(ctx.uploadsDir, name);
    stat(path).then(
      (info) => {
        if (!info.isFile()) return next(new HttpError(404, 'Upload not found'));
        res.set({ 'Content-Type': 'application/zip', 'Content-Length': String(info.size), 'Cache-Control': 'private, max-age=31536000, immutable' });
        // 1 MB reads (send's 64 KB default halves the download speed, measured).
        const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
        const noteRead = garbageBudget(32 * 1024 * 1024); // bounded memory for a gigabyte download
        file.on('data', (chunk) => noteRead(chunk.length));
        pipeline(file, res).catch(() => res.destroy());
      },
      () => next(new HttpError(404, 'Upload not found')),
    );
  });

  routes.on('postJobsZipSource', express.json({ limit: '16kb' }), async (req, res) => {
    const body = parseBody(zipSourceBody, req.body, ['workerId', 'jobId', 'fileUrl'], 'workerId, jobId and fileUrl are required');
    const workerId = requireWorker(res, body.workerId)!;
    res.json({ success: true, ...(await ctx.zipSources.choose(workerId, body.jobId, body.fileUrl)) });
  });

  return routes;
}
