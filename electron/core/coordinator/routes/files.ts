/** GET /uploads/<name>: a job's zip, for the admin or the worker that runs that job. Never a listing. */
import { Router } from 'express';
import { principalOf } from '../auth.ts';
import type { CoordinatorContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { UPLOAD_NAME_PATTERN, uploadUrl } from '../uploads.ts';

export function fileRoutes(ctx: CoordinatorContext): Router {
  const router = Router();

  router.get('/uploads/:name', (req, res, next) => {
    const name = req.params.name;
    // Only names we generated: no dots, slashes or encodings can reach the file system.
    if (typeof name !== 'string' || !UPLOAD_NAME_PATTERN.test(name)) throw new HttpError(404, 'Upload not found');
    const p = principalOf(res);
    if (p.role === 'join') throw new HttpError(403, 'The join token can only register workers.');
    if (p.role === 'worker' && !ctx.store.workerMayFetch(p.workerId, uploadUrl(name))) {
      throw new HttpError(403, 'This worker is not running a job that uses this file.');
    }
    res.sendFile(name, { root: ctx.uploadsDir, dotfiles: 'deny', headers: { 'Content-Type': 'application/zip' } }, (error) => {
      if (!error) return;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || (error as { status?: number }).status === 404) {
        if (!res.headersSent) return next(new HttpError(404, 'Upload not found'));
        return;
      }
      if (!res.headersSent) next(error);
    });
  });

  return router;
}
