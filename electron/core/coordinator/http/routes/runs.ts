/** Runs: create (broadcast to every matching worker, or one job per zip), follow, cancel, re-run and export. */
import { rm } from 'node:fs/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { LIMITS, type JobTarget, type RunMode } from '../../../../../shared/api.ts';
import { createRunBody, renameRunBody, rerunBody, runIdBody } from '../../../../../shared/api-schemas.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { refusalToHttp } from '../refusals.ts';
import { DEFAULT_TIMEOUT_SECONDS } from '../../state/repositories/jobs.ts';
import { compileScorePattern } from '../../runs/run-results.ts';
import { DEFAULT_DEADLINE_SECONDS, type CreateRunInput, type RunZip } from '../../runs/runs.ts';
import { normalizeTarget } from '../../jobs/targeting.ts';
import { receiveUploads, storeEmptyZip, type StoredUpload } from '../../files/uploads.ts';
import { artifactsField, integerParam, parseBody, queryString, targetField } from '../validate.ts';
import { safeFilename } from './execute.ts';
import { assertFileUrl, assertQueueHasRoom, assertTarget } from './jobs.ts';
import { scopeOf } from '../auth.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { scopedRunTarget } from '../../people/scope.ts';
import { assertJobVisible, assertRunVisible } from '../../people/scope-checks.ts';
import { cancelRun, createRun, pageRuns, renameRun, rerunInput } from '../../runs/runs.ts';
import { attachmentHeader, runFileName } from '../../runs/run-file-name.ts';
import { countMatchingWorkers } from '../../jobs/target-check.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import type { GradingZip } from '../../grading/grading-run.ts';
import { uploadNameFromUrl } from '../../../../../shared/uploads.ts';
import { gradedRows, runNotFound, statusOf } from './run-lookup.ts';
import { canvasCsv, gradebookCsv, moodleCsv } from '../../grading/gradebook.ts';
import { GRADING_PARTS, gradingField, gradingInput } from './grading-input.ts';

const EXPORT_FORMATS = ['csv', 'json', 'moodle', 'canvas'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];
const NUMBER_FIELDS = ['timeoutSeconds', 'maxAttempts', 'maxParallel', 'deadlineSeconds'] as const;

export function runRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '1mb' });
  const jsonIfJson = (req: Request, res: Response, next: NextFunction) => (req.is('application/json') ? json(req, res, next) : next());

  routes.on('postRunsCreate', jsonIfJson, async (req, res) => {
    const uploads: StoredUpload[] = [];
    const multipart = req.is('multipart/form-data');
    if (!multipart && !req.is('application/json')) throw new HttpError(400, 'Send the run as JSON, or as multipart/form-data with the zips as "file" parts.');
    if (multipart) uploads.push(...(await receiveUploads(req, res, ctx.uploadsDir, ctx.settings.maxUploadBytes, LIMITS.maxRunZips, GRADING_PARTS)));
    try {
      // Inside the try: a refused field must not leave the zips it came with behind.
      const fields = multipart ? formFields((req.body ?? {}) as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>);
      const input = await runInput(ctx, fields, uploads, scopeOf(res));
      await createAndAnswer(ctx, res, input);
    } catch (error) {
      for (const upload of uploads) await rm(upload.path, { force: true }); // a refused run leaves no file behind
      throw error;
    }
  });

  routes.on('getRunsStatus', (req, res) => {
    res.json(statusOf(ctx, req.query.runId, scopeOf(res)));
  });

  routes.on('getRunsCreate', (req, res) => {
    const limit = integerParam(req.query.limit, 'limit', 1, LIMITS.maxPageSize) ?? LIMITS.jobsPageSize;
    const page = pageRuns(ctx.store, limit, queryString(req.query.before, 'before'), scopeOf(res));
    res.json({ runs: page.runs, count: page.runs.length, total: page.total, nextBefore: page.nextBefore });
  });

  routes.on('postRunsRename', json, async (req, res) => {
    const body = parseBody(renameRunBody, req.body, ['runId'], 'runId is required, with name (a name, or null to remove it)');
    assertVisible(ctx, body.runId, scopeOf(res));
    const run = renameRun(ctx.store, body.runId, body.name);
    if (!run) throw runNotFound(body.runId);
    await ctx.commit.durable();
    res.json({ success: true, runId: run.runId, name: run.name });
  });

  routes.on('postRunsCancel', json, async (req, res) => {
    const body = parseBody(runIdBody, req.body, ['runId'], 'runId is required');
    const scope = scopeOf(res);
    assertVisible(ctx, body.runId, scope);
    const outcome = cancelRun(ctx.store, body.runId, scope);
    if (!outcome.ok) throw runNotFound(body.runId);
    await ctx.commit.durable();
    res.json({ success: true, runId: body.runId, cancelled: outcome.cancelled, cancelling: outcome.cancelling });
  });

  return routes;
}

/** Re-running a run's failed jobs, and exporting its results. */
export function runResultRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '1mb' });
  const jsonIfJson = (req: Request, res: Response, next: NextFunction) => (req.is('application/json') ? json(req, res, next) : next());

  routes.on('postRunsRerun', jsonIfJson, async (req, res) => {
    // Multipart: a grading run re-run with changed hidden tests, the new zip as the "tests" part.
    const uploads = req.is('multipart/form-data') ? await receiveUploads(req, res, ctx.uploadsDir, ctx.settings.maxUploadBytes, 1, ['tests']) : [];
    try {
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const fields = uploads.length || req.is('multipart/form-data') ? { ...raw, jobIds: raw.jobIds ? jsonField(raw.jobIds, 'jobIds') : undefined } : raw;
      const body = parseBody(rerunBody, fields, ['runId', 'only'], 'runId and only ("failed" or "all") are required');
      if (uploads.some((u) => u.field !== 'tests'))
        throw new HttpError(400, 'A re-run takes no project zips: it runs the same ones again. Send new hidden tests as the "tests" part.');
      const tests = newTests(ctx, uploads[0], body.testsUrl);
      const scope = scopeOf(res);
      assertVisible(ctx, body.runId, scope);
      for (const jobId of body.jobIds ?? []) assertJobVisible(ctx.store, jobId, scope);
      const input = rerunInput(ctx.store, body.runId, body.only, { jobIds: body.jobIds, tests, scope });
      if ('ok' in input) throw refusalToHttp(input);
      // A map run's target is the first run's: a scoped person's re-run stays in their rooms as a new run would.
      const scoped = scope ? { ...input, target: scopedRunTarget(ctx.store, input.target, input.mode, scope), scope } : input;
      for (const upload of uploads) ctx.uploadIndex.record(upload.name, upload.sha256);
      await createAndAnswer(ctx, res, scoped);
    } catch (error) {
      for (const upload of uploads) await rm(upload.path, { force: true });
      throw error;
    }
  });

  routes.on('getRunsExport', (req, res) => {
    const format = queryString(req.query.format, 'format') ?? 'csv';
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new HttpError(400, '"format" must be csv, json, moodle or canvas.');
    const status = statusOf(ctx, req.query.runId, scopeOf(res));
    const ext = format === 'json' ? 'json' : 'csv';
    const suffix = format === 'moodle' ? ' moodle' : format === 'canvas' ? ' canvas' : '';
    res.setHeader('Content-Disposition', attachmentHeader(runFileName(status, ext, suffix)));
    if (format === 'json') return void res.json(status);
    const rows = gradedRows(ctx, status);
    const text =
      format === 'moodle'
        ? moodleCsv(rows)
        : format === 'canvas'
          ? canvasCsv(rows, status.name ?? status.runId)
          : gradebookCsv(rows, status.grading !== null || status.jobs.some((j) => j.student));
    res.type('text/csv; charset=utf-8').send(text);
  });

  return routes;
}

/** Multipart fields are text: numbers and the target are read from it. */
/** A form field holding a whole number, or undefined when absent or empty. */
function wholeNumberField(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d{1,16}$/.test(value.trim())) throw new HttpError(400, `"${name}" must be a whole number.`);
  return Number(value);
}

/** New hidden tests for a re-run: the "tests" part, or an earlier upload's URL; null keeps the run's own. */
function newTests(ctx: CoordinatorContext, upload: StoredUpload | undefined, testsUrl: string | undefined): GradingZip | null {
  if (upload) return { fileUrl: upload.fileUrl, sha256: upload.sha256 };
  if (testsUrl === undefined) return null;
  const name = uploadNameFromUrl(testsUrl);
  if (!name) throw new HttpError(400, 'testsUrl must be the /uploads/… URL of a zip uploaded to this coordinator.');
  assertFileUrl(ctx, testsUrl);
  return { fileUrl: testsUrl, sha256: ctx.uploadIndex.sha256(name) };
}

/** A multipart field holding JSON. */
function jsonField(value: unknown, name: string): unknown {
  if (typeof value !== 'string') throw new HttpError(400, `The "${name}" field must be given once, as JSON text.`);
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new HttpError(400, `The "${name}" field is not valid JSON.`);
  }
}

function formFields(raw: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...raw };
  // Only read as numbers here: the run's schema says each one's range.
  for (const name of NUMBER_FIELDS) fields[name] = wholeNumberField(raw[name], name);
  fields.target = targetField(raw.target);
  fields.artifacts = artifactsField(raw.artifacts);
  if (fields.scorePattern === '') delete fields.scorePattern;
  if (fields.shell === '') delete fields.shell; // a form's "default" choice: the worker's own shell
  if (fields.students === '') delete fields.students;
  if (fields.name === '') delete fields.name;
  fields.grading = gradingField(raw.grading);
  return fields;
}

async function runInput(ctx: CoordinatorContext, fields: Record<string, unknown>, uploads: StoredUpload[], scope: Scope | null): Promise<CreateRunInput> {
  const body = parseBody(createRunBody, fields, ['mode', 'commands'], 'mode ("each" or "map") and commands are required');
  if (body.maxParallel !== undefined && body.mode === 'map') {
    throw new HttpError(400, 'maxParallel is for "each" runs (one job per PC); a map run spreads its zips over the matching workers, one job each.');
  }
  if (body.scorePattern !== undefined) {
    const compiled = compileScorePattern(body.scorePattern);
    if (!compiled.ok) throw new HttpError(400, compiled.message);
  }
  const target = runTarget(ctx, normalizeTarget(body.target), body.mode, scope);
  const graded = gradingInput(ctx, body, uploads);
  const projects = uploads.filter((u) => u.field === 'file');
  let zips: RunZip[];
  if (body.mode === 'map') {
    if (projects.length === 0) throw new HttpError(400, 'A map run needs its zips: send them as "file" parts of a multipart/form-data request (up to 500).');
    zips = projects.map((u) => ({ fileUrl: u.fileUrl, filename: safeFilename(u.originalName), fileSha256: u.sha256 }));
    assertQueueHasRoom(ctx, zips.length);
  } else {
    if (projects.length > 1)
      throw new HttpError(400, `An "each" run sends every PC the same zip: give one, not ${projects.length} (a run over many zips is mode "map").`);
    assertQueueHasRoom(ctx, countMatchingWorkers(ctx.store, target, scope));
    zips = [await broadcastZip(ctx, body.fileUrl, body.filename, uploads)];
  }
  for (const upload of uploads) ctx.uploadIndex.record(upload.name, upload.sha256);
  return {
    name: body.name ?? null,
    mode: body.mode,
    command: body.commands,
    target,
    timeoutSeconds: body.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    maxAttempts: body.maxAttempts ?? 1,
    maxParallel: body.maxParallel ?? null,
    deadlineSeconds: body.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS,
    scorePattern: body.scorePattern ?? null,
    artifactPatterns: body.artifacts ?? [],
    shell: body.shell ?? null,
    zips,
    ...graded,
    scope,
  };
}

/** The run's target checked, kept inside the caller's rooms (scope.ts), and the room it was narrowed to checked too. */
function runTarget(ctx: CoordinatorContext, target: JobTarget | null, mode: RunMode, scope: Scope | null): JobTarget | null {
  assertTarget(ctx, target);
  const scoped = scopedRunTarget(ctx.store, target, mode, scope);
  if (scoped !== target) assertTarget(ctx, scoped);
  return scoped;
}

/** 403 out_of_scope for a run with no job in the caller's rooms (an unknown one is left to the handler's run_not_found). */
function assertVisible(ctx: CoordinatorContext, runId: string, scope: Scope | null): void {
  if (scope && ctx.store.runs.get(runId)) assertRunVisible(ctx.store, runId, scope);
}

/** The zip every PC of a broadcast runs: the one uploaded, one named by URL, or an empty one (an empty folder). */
async function broadcastZip(ctx: CoordinatorContext, fileUrl: string | undefined, filename: string | undefined, uploads: StoredUpload[]): Promise<RunZip> {
  const upload = uploads.find((u) => u.field === 'file');
  if (upload) return { fileUrl: upload.fileUrl, filename: safeFilename(upload.originalName), fileSha256: upload.sha256 };
  if (fileUrl) {
    assertFileUrl(ctx, fileUrl);
    const name = fileUrl.startsWith('/uploads/') ? fileUrl.slice('/uploads/'.length) : null;
    return { fileUrl, filename: filename ?? 'project.zip', fileSha256: name ? ctx.uploadIndex.sha256(name) : null };
  }
  const empty = await storeEmptyZip(ctx.uploadsDir);
  uploads.push(empty); // recorded with the others, and removed with them if the run is refused
  return { fileUrl: empty.fileUrl, filename: '(no zip)', fileSha256: empty.sha256 };
}

async function createAndAnswer(ctx: CoordinatorContext, res: Response, input: CreateRunInput): Promise<void> {
  const outcome = createRun(ctx.store, input);
  if (!outcome.ok) throw new HttpError(400, outcome.message);
  await ctx.commit.durable();
  ctx.logger.info('run created', { runId: outcome.run.runId, mode: input.mode, jobs: outcome.jobIds.length });
  res.json({ success: true, runId: outcome.run.runId, jobIds: outcome.jobIds, count: outcome.jobIds.length });
}
