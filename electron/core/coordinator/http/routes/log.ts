/** GET /api/jobs/log: a job's ordered log, a page at a time (JSON) or whole (text/plain, streamed in constant memory). */
import { type Response } from 'express';
import { LIMITS } from '../../../../../shared/api.ts';
import type { CoordinatorContext } from '../../context.ts';
import { drained } from '../drained.ts';
import { HttpError } from '../http-error.ts';
import type { LogQuery } from '../../jobs/job-output.ts';
import { integerParam, queryString } from '../validate.ts';
import { readLog } from '../../jobs/job-output.ts';
import { getJobSummary } from '../../jobs/job-queries.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { scopeOf } from '../auth.ts';
import { assertJobVisible } from '../../people/scope-checks.ts';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export function logRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();

  routes.on('getJobsLog', async (req, res) => {
    const jobId = queryString(req.query.jobId, 'jobId');
    if (!jobId) throw new HttpError(400, 'jobId is required');
    assertJobVisible(ctx.store, jobId, scopeOf(res));
    const format = queryString(req.query.format, 'format') ?? 'json';
    if (format !== 'json' && format !== 'text') throw new HttpError(400, '"format" must be json (pages of chunks) or text (the whole log).');
    if (format === 'text') return sendText(ctx, res, jobId);
    const page = readLog(ctx.store, jobId, pageQuery(req.query));
    if (!page) throw new HttpError(404, 'Job not found', {}, 'job_not_found');
    res.json(page);
  });

  return routes;
}

function pageQuery(query: Record<string, unknown>): LogQuery {
  const limit = integerParam(query.limit, 'limit', 1, LIMITS.maxLogPageChunks) ?? LIMITS.logPageChunks;
  const common = { limit, maxChars: LIMITS.logPageBytes };
  const before = queryString(query.before, 'before');
  if (before !== undefined && query.after !== undefined) throw new HttpError(400, 'Give "after" (page forwards) or "before" (page backwards), not both.');
  if (before === 'end') return { before: 'end', ...common };
  if (before !== undefined) {
    const seq = integerParam(before, 'before', 0, MAX_SEQ);
    if (seq === undefined) throw new HttpError(400, 'Give "before" a chunk number, or "end" for the log\'s tail.');
    return { before: seq, ...common };
  }
  return { after: integerParam(query.after, 'after', -1, MAX_SEQ) ?? -1, ...common };
}

/** The log as stored when the download began, page by page, waiting for the client to drain each. */
async function sendText(ctx: CoordinatorContext, res: Response, jobId: string): Promise<void> {
  const job = getJobSummary(ctx.store, jobId);
  const tail = readLog(ctx.store, jobId, { before: 'end', limit: 1, maxChars: 1 });
  if (!job || !tail) throw new HttpError(404, 'Job not found', {}, 'job_not_found');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${downloadName(job.filename, jobId)}"`);
  res.setHeader('Cache-Control', 'no-store');
  const last = tail.next;
  let after = -1;
  while (after < last && !res.destroyed) {
    const page = readLog(ctx.store, jobId, { after, limit: LIMITS.logPageChunks, maxChars: LIMITS.logPageBytes });
    if (!page || page.chunks.length === 0) break;
    for (const chunk of page.chunks) {
      if (chunk.seq > last) break;
      if (!res.write(chunk.data)) await drained(res);
    }
    after = page.next;
  }
  res.end();
}

/** `project-job-1795600000000-k3x9.log` from `project.zip`: only characters safe in a header and on every file system. */
export function downloadName(filename: string, jobId: string): string {
  const base =
    filename
      .replace(/\.zip$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 80) || 'job';
  return `${base}-${jobId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64)}.log`;
}
