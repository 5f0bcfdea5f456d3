/** Grading a class: a comment per student, a job's test cases, the feedback zip, the similarity check and a submission's source file. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import yazl from 'yazl';
import { GRADING_ENDPOINTS } from '../../../../../shared/endpoints/grading.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { parseBody, queryString } from '../validate.ts';
import { attachmentHeader, runFileName } from '../../runs/run-file-name.ts';
import { feedbackFileName, feedbackMarkdown } from '../../grading/feedback.ts';
import { similarityOf } from '../../grading/run-similarity.ts';
import { readSubmissionFile, type SubmissionFileOutcome } from '../../grading/submission-file.ts';
import { uploadNameFromUrl } from '../../../../../shared/uploads.ts';
import type { RefusalReason } from '../../../../../shared/refusals.ts';
import type { StoredReport } from './run-lookup.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { scopeOf } from '../auth.ts';
import { assertJobVisible } from '../../people/scope-checks.ts';
import { gradedRows, statusOf } from './run-lookup.ts';

/** A file the zip cannot give: a bad or non-source path is the request's fault (400); a missing one 404; a large one 413; a broken zip invalid_zip. */
const FILE_REFUSALS: Record<Extract<SubmissionFileOutcome, { ok: false }>['why'], [number, RefusalReason]> = {
  bad_path: [400, 'invalid_request'],
  not_source: [400, 'invalid_request'],
  binary: [400, 'invalid_request'],
  missing: [404, 'not_found'],
  too_large: [413, 'too_large'],
  unreadable: [400, 'invalid_zip'],
};

export function gradingRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '64kb' });

  routes.on('postRunsComment', json, async (req, res) => {
    const body = parseBody(GRADING_ENDPOINTS.postRunsComment.json, req.body, ['jobId'], 'jobId is required, with comment (text, or null to remove it)');
    const comment = body.comment?.trim() || null;
    assertJobVisible(ctx.store, body.jobId, scopeOf(res));
    const done = ctx.store.db.transaction(() => ctx.store.grades.setComment(body.jobId, comment));
    if (!done) throw new HttpError(404, `There is no job ${JSON.stringify(body.jobId)}.`, {}, 'job_not_found');
    ctx.store.announce([], [body.jobId], false);
    await ctx.commit.durable();
    res.json({ success: true, jobId: body.jobId, comment });
  });

  routes.on('getJobsTests', (req, res) => {
    const jobId = queryString(req.query.jobId, 'jobId');
    if (!jobId) throw new HttpError(400, 'jobId is required');
    if (!ctx.store.jobs.get(jobId)) throw new HttpError(404, `There is no job ${JSON.stringify(jobId)}.`, {}, 'job_not_found');
    assertJobVisible(ctx.store, jobId, scopeOf(res));
    const report = ctx.store.grades.report(jobId) as StoredReport | null;
    const cases = (report?.cases ?? []).map((c, i) => ({ ...c, points: report?.perCase?.[i]?.points ?? null, earned: report?.perCase?.[i]?.earned ?? null }));
    res.json({ jobId, cases, counts: report?.counts ?? null, note: [report?.note, report?.scoreNote].filter(Boolean).join('; ') || null });
  });

  routes.on('getRunsFeedback', (req, res) => {
    const status = statusOf(ctx, req.query.runId, scopeOf(res));
    const zip = new yazl.ZipFile();
    const used = new Set<string>();
    for (const row of gradedRows(ctx, status)) {
      const student = row.student?.student ?? (status.mode === 'map' ? row.filename.replace(/\.zip$/i, '') : (row.workerName ?? row.jobId));
      const markdown = feedbackMarkdown({
        runName: status.name ?? status.runId,
        job: row,
        student,
        cases: row.cases,
        note: row.note,
        log: logTail(ctx, row.jobId),
      });
      zip.addBuffer(Buffer.from(markdown), feedbackFileName(student, used), { mode: 0o100644 });
    }
    zip.end();
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', attachmentHeader(runFileName(status, 'zip', ' feedback')));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    zip.outputStream.on('error', () => res.destroy());
    zip.outputStream.pipe(res);
  });

  routes.on('getRunsSimilarity', async (req, res) => {
    const status = statusOf(ctx, req.query.runId, scopeOf(res));
    if (status.mode !== 'map')
      throw new HttpError(400, 'The similarity check compares the zips of a "map" run (one per student); this run sends one zip to every PC.');
    const top = req.query.top === undefined ? 50 : Number(req.query.top);
    if (!Number.isInteger(top) || top < 1 || top > 500) throw new HttpError(400, '"top" must be a whole number from 1 to 500.');
    res.json(await similarityOf(ctx, status, top));
  });

  routes.on('getRunsSubmissionFile', async (req, res) => {
    const jobId = queryString(req.query.jobId, 'jobId');
    const path = queryString(req.query.path, 'path');
    if (!jobId || path === undefined) throw new HttpError(400, 'jobId and path are required');
    const job = ctx.store.jobs.get(jobId);
    if (!job) throw new HttpError(404, `There is no job ${JSON.stringify(jobId)}.`, {}, 'job_not_found');
    assertJobVisible(ctx.store, jobId, scopeOf(res));
    const name = uploadNameFromUrl(job.fileUrl);
    const zipPath = name ? join(ctx.uploadsDir, name) : null;
    if (!zipPath || !existsSync(zipPath)) throw new HttpError(404, `The zip of job ${jobId} is not kept on this coordinator (any more).`, {}, 'not_found');
    const read = await readSubmissionFile(zipPath, path);
    if (!read.ok) throw new HttpError(FILE_REFUSALS[read.why][0], read.message, {}, FILE_REFUSALS[read.why][1]);
    res.json({ jobId, path, text: read.text });
  });

  return routes;
}

/** The end of a job's log, both streams in the order they were read (at most 256 KB read). */
function logTail(ctx: CoordinatorContext, jobId: string): string {
  const job = ctx.store.jobs.get(jobId);
  if (!job) return '';
  return ctx.store.log
    .pageBefore(job.seq, Number.MAX_SAFE_INTEGER, 2000, 256 * 1024)
    .map((entry) => entry.data)
    .join('');
}
