/** Job endpoints (seed 4-9) plus cancel and live log chunks. */
import express, { type Response } from 'express';
import { LIMITS, type AssignedJobDto, type JobTarget } from '../../../../../shared/api.ts';
import { cancelBody, createJobBody, failureBody, logBody, submitResultBody } from '../../../../../shared/api-schemas.ts';
import { isJobStatus, JOB_OUTCOMES, JOB_STATUSES, type JobOutcome } from '../../../../../shared/job-status.ts';
import { principalOf, requireWorker, scopeOf } from '../auth.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { scopedTarget } from '../../people/scope.ts';
import { assertJobVisible } from '../../people/scope-checks.ts';
import type { CoordinatorContext } from '../../context.ts';
import { watchHangUp } from '../hang-up.ts';
import { HttpError } from '../http-error.ts';
import type { AssignOutcome } from '../../jobs/job-commands.ts';
import { refusalToHttp } from '../refusals.ts';
import { uploadNameFromUrl } from '../../../../../shared/uploads.ts';
import { uploadExists } from '../../files/uploads.ts';
import { integerParam, parseBody, queryString } from '../validate.ts';
import { garbageBudget } from '../../../runner/memory.ts';
import { targetProblem } from '../../jobs/target-check.ts';
import { getJob, getJobSummary, getJobWithoutOutput, jobCounts, listJobs, pageJobs } from '../../jobs/job-queries.ts';
import { assignNextJob, cancelJob, completeJob, createJob, failJob } from '../../jobs/job-commands.ts';
import { appendOutput } from '../../jobs/job-output.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { hasOrders, takeOrders, type WorkerOrders } from '../../workers/power.ts';

/** 400 when a target names an unknown worker or selects none. */
export function assertTarget(ctx: CoordinatorContext, target: JobTarget | null | undefined): void {
  const problem = targetProblem(ctx.store, target);
  if (problem) throw new HttpError(400, problem);
}

/** A new job's target checked, then kept inside the caller's rooms (scope.ts); the room it was narrowed to is checked too. */
export function scopedJobTarget(ctx: CoordinatorContext, target: JobTarget | undefined, scope: Scope | null): JobTarget | undefined {
  assertTarget(ctx, target);
  const scoped = scopedTarget(ctx.store, target, scope) ?? undefined;
  if (scoped !== target) assertTarget(ctx, scoped);
  return scoped;
}

/** 429 before the queue grows past --max-pending-jobs (`adding` jobs at once). */
export function assertQueueHasRoom(ctx: CoordinatorContext, adding = 1): void {
  const pending = ctx.store.jobs.count('pending');
  if (pending + adding > ctx.settings.maxPendingJobs) {
    throw new HttpError(
      429,
      `The queue is full: ${pending} jobs are pending (--max-pending-jobs ${ctx.settings.maxPendingJobs}). Wait for workers to take some, or cancel pending jobs.`,
      { 'Retry-After': '10' },
    );
  }
}

/** A job's zip is either one of our uploads or an absolute http(s) URL. */
export function assertFileUrl(ctx: CoordinatorContext, fileUrl: string): void {
  if (/^https?:\/\//i.test(fileUrl)) {
    if (URL.canParse(fileUrl)) return;
    throw new HttpError(400, `fileUrl is not a valid URL: ${fileUrl.slice(0, 200)}`);
  }
  const name = uploadNameFromUrl(fileUrl);
  if (!name || !uploadExists(ctx.uploadsDir, name)) {
    throw new HttpError(
      400,
      `fileUrl ${fileUrl.slice(0, 200)} does not name an uploaded zip; upload it with POST /api/execute (mode=distributed), or give an absolute http(s) URL.`,
    );
  }
}

/** A worker that reported asks for its next job in the same round trip: assigned now, never waited for. */
async function nextJobFor(ctx: CoordinatorContext, res: Response, workerId: string): Promise<{ next: AssignedJobDto | null }> {
  if (principalOf(res).role !== 'worker') return { next: null }; // only a worker takes jobs for itself this way
  const taken = await ctx.scheduler.takeJob(workerId, 0, new AbortController().signal);
  return { next: taken.ok ? taken.job : null };
}

function sendNoJob(res: Response, outcome: Exclude<AssignOutcome, { ok: true }>, orders: Omit<WorkerOrders, 'changed'> = {}): void {
  if (outcome.reason === 'worker_not_found') throw new HttpError(404, 'Worker not found', {}, 'worker_not_found');
  const message = {
    no_idle_worker: 'No idle workers available',
    no_pending_job: 'No pending jobs',
    worker_busy: `Worker is still running job ${outcome.currentJobId}; report its result before taking another`,
  }[outcome.reason];
  res.status(202).json({ success: false, message, job: null, ...orders });
}

/** `cancel`: stop the job now (asked for, or it is no longer this worker's to run). Answers when that is so, or after `waitMs`. */
function waitForControl(ctx: CoordinatorContext, jobId: string, workerId: string, waitMs: number, signal: AbortSignal): Promise<{ cancel: boolean }> {
  const decide = (): { cancel: boolean } | null => {
    const job = getJobSummary(ctx.store, jobId);
    if (!job) throw new HttpError(404, 'Job not found', {}, 'job_not_found');
    if (job.workerId !== workerId || job.status !== 'running' || job.cancelRequested) return { cancel: true };
    return null;
  };
  const now = decide();
  if (now || waitMs === 0) return Promise.resolve(now ?? { cancel: false });
  return new Promise((resolve) => {
    const finish = (answer: { cancel: boolean }) => {
      clearTimeout(timer);
      ctx.events.off('job', onJob);
      signal.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    const onJob = (id: string) => {
      if (id !== jobId) return;
      try {
        const answer = decide();
        if (answer) finish(answer);
      } catch {
        finish({ cancel: true }); // the job is gone
      }
    };
    const onAbort = () => finish({ cancel: false });
    const timer = setTimeout(() => finish({ cancel: false }), waitMs);
    ctx.events.on('job', onJob);
    signal.addEventListener('abort', onAbort);
  });
}

export function jobRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '256kb' });

  routes.on('postJobsCreate', json, async (req, res) => {
    const body = parseBody(createJobBody, req.body, ['command', 'fileUrl', 'filename'], 'command, fileUrl, and filename are required');
    assertFileUrl(ctx, body.fileUrl);
    const target = scopedJobTarget(ctx, body.target, scopeOf(res));
    assertQueueHasRoom(ctx);
    const upload = uploadNameFromUrl(body.fileUrl);
    const job = createJob(ctx.store, { ...body, target, fileSha256: upload ? ctx.uploadIndex.sha256(upload) : null, artifactPatterns: body.artifacts });
    await ctx.commit.durable();
    res.json({ success: true, jobId: job.jobId, message: 'Job created successfully' });
  });

  routes.on('getJobsCreate', (req, res) => {
    const { status, limit, before, outcome } = req.query;
    const scope = scopeOf(res);
    if (status === undefined && limit === undefined && before === undefined && outcome === undefined) {
      const jobs = listJobs(ctx.store, scope);
      return void res.json({ jobs, count: jobs.length });
    }
    const statusText = queryString(status, 'status');
    if (statusText !== undefined && !isJobStatus(statusText)) {
      throw new HttpError(400, `"status" must be one of ${JOB_STATUSES.join(', ')}.`);
    }
    const outcomeText = queryString(outcome, 'outcome');
    if (outcomeText !== undefined && !(JOB_OUTCOMES as readonly string[]).includes(outcomeText)) {
      throw new HttpError(400, `"outcome" must be one of ${JOB_OUTCOMES.join(', ')} (failed: every job that ended without passing).`);
    }
    const page = pageJobs(ctx.store, {
      status: statusText,
      outcome: outcomeText as JobOutcome | undefined,
      limit: integerParam(limit, 'limit', 1, LIMITS.maxPageSize) ?? LIMITS.jobsPageSize,
      before: queryString(before, 'before'),
      scope,
    });
    res.json({ jobs: page.jobs, count: page.jobs.length, total: page.total, nextBefore: page.nextBefore });
  });

  routes.on('getJobsCounts', (_req, res) => {
    res.json(jobCounts(ctx.store, scopeOf(res)));
  });

  return routes;
}

/** Taking a job, its status, and the worker's report of how it ended. */
export function jobRunRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '256kb' });
  // A seed-style result carries the whole output of both streams.
  const resultJson = express.json({ limit: ctx.settings.maxOutputBytes * 2 + 1024 * 1024 });

  routes.on('getJobsGetJob', async (req, res) => {
    const workerId = requireWorker(res, queryString(req.query.workerId, 'workerId') || undefined);
    const waitSeconds = integerParam(req.query.wait, 'wait', 0, LIMITS.maxWaitSeconds, { clampMax: true }) ?? 0;
    let outcome: AssignOutcome;
    if (workerId === undefined) {
      outcome = assignNextJob(ctx.store); // the seed's get-job: first idle worker, first pending job
    } else {
      const hangUp = new AbortController();
      res.on('close', () => hangUp.abort());
      if (waitSeconds > 0) watchHangUp(ctx, res, workerId);
      outcome = await ctx.scheduler.takeJob(workerId, waitSeconds * 1000, hangUp.signal);
    }
    if (!outcome.ok) {
      // Something else for this worker ended its wait (a wake to relay, a power action): it rides on the answer, unless nobody will read it.
      let extra: Omit<WorkerOrders, 'changed'> = {};
      if (workerId !== undefined && !res.closed && hasOrders(ctx, workerId)) {
        const { changed, ...orders } = takeOrders(ctx, workerId);
        if (changed) await ctx.commit.durable();
        extra = orders;
      }
      return sendNoJob(res, outcome, extra);
    }
    await ctx.commit.durable();
    res.json({ success: true, job: outcome.job });
  });

  routes.on('getJobsStatus', (req, res) => {
    const jobId = queryString(req.query.jobId, 'jobId');
    if (!jobId) throw new HttpError(400, 'jobId is required');
    assertJobVisible(ctx.store, jobId, scopeOf(res));
    // The seed's status carries the whole output; `output=false` leaves it out (the log has its own endpoint).
    const withOutput = queryString(req.query.output, 'output') !== 'false';
    const job = withOutput ? getJob(ctx.store, jobId) : getJobWithoutOutput(ctx.store, jobId);
    if (!job) throw new HttpError(404, 'Job not found', {}, 'job_not_found');
    res.json(job);
  });

  routes.on('postJobsSubmitResult', resultJson, async (req, res) => {
    const body = parseBody(submitResultBody, req.body, ['jobId', 'workerId', 'exitCode'], 'jobId, workerId, and exitCode are required');
    requireWorker(res, body.workerId);
    const outcome = completeJob(ctx.store, body);
    if (!outcome.ok) throw refusalToHttp(outcome);
    const next = body.takeNext ? await nextJobFor(ctx, res, body.workerId) : undefined;
    await ctx.commit.durable(); // one fsync for the result and the next job's assignment
    res.json({ success: true, jobId: body.jobId, status: outcome.status, message: 'Job result submitted successfully', ...next });
  });

  routes.on('putJobsSubmitResult', json, async (req, res) => {
    const body = parseBody(failureBody, req.body, ['jobId', 'workerId'], 'jobId and workerId are required');
    requireWorker(res, body.workerId);
    const outcome = failJob(ctx.store, body);
    if (!outcome.ok) throw refusalToHttp(outcome);
    const next = body.takeNext ? await nextJobFor(ctx, res, body.workerId) : undefined;
    await ctx.commit.durable();
    res.json({ success: true, jobId: body.jobId, status: outcome.status, message: 'Job failure recorded successfully', ...next });
  });

  return routes;
}

/** Cancelling a job, and what a running job's worker sends and waits for: its output and a cancel. */
export function jobControlRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '256kb' });
  const logJson = express.json({ limit: '8mb' });

  routes.on('postJobsCancel', json, async (req, res) => {
    const body = parseBody(cancelBody, req.body, ['jobId'], 'jobId is required');
    assertJobVisible(ctx.store, body.jobId, scopeOf(res));
    const outcome = cancelJob(ctx.store, body.jobId);
    if (!outcome.ok) throw refusalToHttp(outcome);
    await ctx.commit.durable();
    res.json({
      success: true,
      jobId: body.jobId,
      status: outcome.status,
      message: outcome.cancelRequested ? 'Cancellation requested; the worker is stopping the job' : 'Job cancelled',
    });
  });

  // A busy worker keeps this open while its job runs, so a cancel reaches it at once, whatever the job prints.
  routes.on('getJobsControl', async (req, res) => {
    const workerId = requireWorker(res, queryString(req.query.workerId, 'workerId') || undefined);
    const jobId = queryString(req.query.jobId, 'jobId');
    if (!jobId || !workerId) throw new HttpError(400, 'jobId and workerId are required');
    const waitSeconds = integerParam(req.query.wait, 'wait', 0, LIMITS.maxWaitSeconds, { clampMax: true }) ?? 0;
    const hangUp = new AbortController();
    res.on('close', () => hangUp.abort());
    if (waitSeconds > 0) watchHangUp(ctx, res, workerId);
    const answer = await waitForControl(ctx, jobId, workerId, waitSeconds * 1000, hangUp.signal);
    if (!res.destroyed) res.json(answer);
  });

  // Each log POST leaves megabytes of parsed text behind; V8 lets such garbage pile up past 300 MB on a
  // 100 MB log unless collected now and then (measured with the bench's log scenario).
  const noteLogBytes = garbageBudget(16 * 1024 * 1024);
  routes.on('postJobsLogs', logJson, async (req, res) => {
    noteLogBytes(Number(req.get('content-length')) || 0);
    const body = parseBody(logBody, req.body, ['jobId', 'workerId', 'chunks'], 'jobId, workerId, and chunks are required');
    requireWorker(res, body.workerId);
    const outcome = appendOutput(ctx.store, body.jobId, body.workerId, body.chunks);
    if (!outcome.ok) throw refusalToHttp(outcome);
    await ctx.commit.durable();
    res.json({ success: true, cancel: outcome.cancel, next: outcome.next });
  });

  return routes;
}
