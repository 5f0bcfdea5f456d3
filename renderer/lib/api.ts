/** The one HTTP client of the renderer for the coordinator's API (the WebSocket: live-connection.ts; a local worker: local-worker-source.ts). */
import { LIMITS } from '../../shared/api.ts';
import type { AnswerOf } from '../../shared/endpoints/index.ts';
import type { WorkerPolicy } from '../../shared/policy.ts';
import type { JobOutcome, JobStatus } from '../../shared/job-status.ts';
import { PeopleCalls } from './api-people.ts';
import type {
  JobPage,
  JobRequest,
  JoinDecision,
  ParamValues,
  PolicyScope,
  PowerAnswer,
  PowerRequest,
  RunCreated,
  RunParts,
  RunRequest,
  ScheduleBody,
  TemplateBody,
  WakeAnswer,
} from './api-types.ts';
import { LiveConnection, type LiveHandlers } from './live-connection.ts';

export { ApiError } from './api-error.ts';
export { NO_AUTH, type ApiAuth } from './api-files.ts';
export { LiveConnection, type LiveHandlers } from './live-connection.ts';
export { LocalWorkerSource, type WorkerSource } from './local-worker-source.ts';
export type * from './api-types.ts';

export class CoordinatorApi extends PeopleCalls {
  /** The coordinator's details: version, fingerprint, addresses, join lines. */
  info(): Promise<AnswerOf<'getCoordinatorInfo'>> {
    return this.call('getCoordinatorInfo');
  }

  workers(): Promise<AnswerOf<'getWorkersRegister'>> {
    return this.call('getWorkersRegister');
  }

  joinRequests(): Promise<AnswerOf<'getWorkersJoinRequests'>> {
    return this.call('getWorkersJoinRequests');
  }

  approveJoin(decision: JoinDecision): Promise<AnswerOf<'postWorkersJoinRequestsApprove'>> {
    return this.call('postWorkersJoinRequestsApprove', { body: decision });
  }

  refuseJoin(decision: JoinDecision): Promise<AnswerOf<'postWorkersJoinRequestsRefuse'>> {
    return this.call('postWorkersJoinRequestsRefuse', { body: decision });
  }

  /** The worker's token stops working at once; its row stays. */
  revokeWorker(workerId: string): Promise<AnswerOf<'postWorkersRevoke'>> {
    return this.call('postWorkersRevoke', { body: { workerId } });
  }

  /** A new join token (the old one stops working at once), optionally for a number of PCs or until a time. */
  rotateJoinToken(policy: {
    maxUses: number | null;
    expiresAt: number | null;
  }): Promise<{ joinToken: string; maxUses: number | null; expiresAt: number | null }> {
    return this.call('postJoinTokenRotate', { body: policy });
  }

  /** The job without its output (a page never needs a 100 MB string: the log view reads pages of the log). */
  job(jobId: string): Promise<AnswerOf<'getJobsStatus'>> {
    return this.call('getJobsStatus', { query: { jobId, output: 'false' } });
  }

  /** A page of jobs, newest first: all, one status, or one outcome (failed: every job that ended without passing). */
  async jobs(filter: { status?: JobStatus; outcome?: JobOutcome }, before: string | null, limit: number = LIMITS.jobsPageSize): Promise<JobPage> {
    const page = await this.call('getJobsCreate', { query: { limit, status: filter.status, outcome: filter.outcome, before: before ?? undefined } });
    return { jobs: page.jobs, total: page.total ?? page.jobs.length, nextBefore: page.nextBefore ?? null };
  }

  jobCounts(): Promise<AnswerOf<'getJobsCounts'>> {
    return this.call('getJobsCounts');
  }

  createJob(request: JobRequest): Promise<AnswerOf<'postJobsCreate'>> {
    return this.call('postJobsCreate', { body: request });
  }

  /**
   * A page of a job's log: chunks after `after` (forwards), or the newest before `before` (`'end'`: the
   * log's tail), ascending either way.
   */
  log(jobId: string, from: { after: number } | { before: number | 'end' }, limit: number = LIMITS.logPageChunks): Promise<AnswerOf<'getJobsLog'>> {
    return this.call('getJobsLog', { query: { jobId, limit, ...('after' in from ? { after: from.after } : { before: from.before }) } });
  }

  cancel(jobId: string): Promise<AnswerOf<'postJobsCancel'>> {
    return this.call('postJobsCancel', { body: { jobId } });
  }

  /** The name the dashboard shows for it (null: its hostname again). */
  renameWorker(workerId: string, name: string | null): Promise<AnswerOf<'postWorkersRename'>> {
    return this.call('postWorkersRename', { body: { workerId, name } });
  }

  /** A paused worker finishes its job and takes no other until resumed here. */
  pauseWorker(workerId: string, paused: boolean): Promise<AnswerOf<'postWorkersPause'>> {
    return this.call('postWorkersPause', { body: { workerId, paused } });
  }

  /** Removes an offline worker (409 with a sentence while it is online); jobs waiting for it alone fail. */
  forgetWorker(workerId: string): Promise<AnswerOf<'postWorkersForget'>> {
    return this.call('postWorkersForget', { body: { workerId } });
  }

  /** A re-installed PC takes over an offline worker's name, tags and waiting jobs. */
  replaceWorker(workerId: string, replaces: string): Promise<AnswerOf<'postWorkersReplace'>> {
    return this.call('postWorkersReplace', { body: { workerId, replaces } });
  }

  /** Labels jobs and runs can target; the worker's own --tags replace them when it registers again. */
  setWorkerTags(workerId: string, tags: string[]): Promise<AnswerOf<'postWorkersTags'>> {
    return this.call('postWorkersTags', { body: { workerId, tags } });
  }

  policies(): Promise<AnswerOf<'getWorkersPolicy'>> {
    return this.call('getWorkersPolicy');
  }

  /** Sets the policy of the lab, a tag or a worker; a 400 carries the coordinator's sentence (e.g. a schedule it cannot read). */
  setPolicy(scope: PolicyScope, policy: Partial<WorkerPolicy> & Pick<WorkerPolicy, 'when'>): Promise<AnswerOf<'postWorkersPolicy'>> {
    return this.call('postWorkersPolicy', { body: { ...scope, ...policy } });
  }

  /** Removes a tag's or a worker's own policy: it follows the next one (its tag's, else the lab's). */
  clearPolicy(scope: PolicyScope): Promise<AnswerOf<'postWorkersPolicy'>> {
    return this.call('postWorkersPolicy', { body: { ...scope, clear: true } });
  }

  runs(before: string | null, limit: number = LIMITS.jobsPageSize): Promise<AnswerOf<'getRunsCreate'>> {
    return this.call('getRunsCreate', { query: { limit, before: before ?? undefined } });
  }

  run(runId: string): Promise<AnswerOf<'getRunsStatus'>> {
    return this.call('getRunsStatus', { query: { runId } });
  }

  /** JSON without zips; with zips a multipart form (the zips as `file` parts), reporting upload progress. */
  async createRun(request: RunRequest, files: File[], onProgress: (fraction: number) => void, parts: RunParts = {}): Promise<RunCreated> {
    if (files.length === 0) return this.call('postRunsCreate', { body: request });
    return this.createRunWithFiles(request, files, onProgress, parts);
  }

  /** Pending jobs stop at once; running ones when their workers confirm. */
  cancelRun(runId: string): Promise<AnswerOf<'postRunsCancel'>> {
    return this.call('postRunsCancel', { body: { runId } });
  }

  /** A name for the run, or null to go back to its description. */
  renameRun(runId: string, name: string | null): Promise<AnswerOf<'postRunsRename'>> {
    return this.call('postRunsRename', { body: { runId, name } });
  }

  /** A new run of the failed jobs, or all of them, or (jobIds) the ones named, linked to this one. */
  rerunRun(runId: string, only: 'failed' | 'all', jobIds?: string[]): Promise<AnswerOf<'postRunsRerun'>> {
    return this.call('postRunsRerun', { body: { runId, only, ...(jobIds ? { jobIds } : {}) } });
  }

  /** The teacher's comment for one student (a job of a grading run); null removes it. */
  comment(jobId: string, comment: string | null): Promise<AnswerOf<'postRunsComment'>> {
    return this.call('postRunsComment', { body: { jobId, comment } });
  }

  /** A map run's submissions compared pair by pair, the most similar first. */
  similarity(runId: string, top?: number): Promise<AnswerOf<'getRunsSimilarity'>> {
    return this.call('getRunsSimilarity', { query: { runId, top } });
  }

  /** One source file of a job's zip as text (a similarity region's file). */
  submissionFile(jobId: string, path: string): Promise<AnswerOf<'getRunsSubmissionFile'>> {
    return this.call('getRunsSubmissionFile', { query: { jobId, path } });
  }

  /** Wakes the offline ones of these PCs (Wake-on-LAN); waits up to `waitSeconds` for them to come back. */
  wakeWorkers(workerIds: string[], waitSeconds = 0): Promise<WakeAnswer> {
    return this.call('postWorkersWake', { body: { workerIds, waitSeconds } });
  }

  /** Shuts down, restarts or logs off PCs through their workers (skipped where someone uses the PC, unless forced). */
  powerWorkers(request: PowerRequest): Promise<PowerAnswer> {
    return this.call('postWorkersPower', { body: request });
  }

  templates(): Promise<AnswerOf<'getTemplatesCreate'>> {
    return this.call('getTemplatesCreate');
  }

  createTemplate(body: TemplateBody): Promise<AnswerOf<'postTemplatesCreate'>> {
    return this.call('postTemplatesCreate', { body });
  }

  /** Every field given again (a field left out is cleared). */
  updateTemplate(templateId: string, body: TemplateBody): Promise<AnswerOf<'postTemplatesUpdate'>> {
    return this.call('postTemplatesUpdate', { body: { ...body, templateId } });
  }

  /** Refused (409, with a sentence) while a schedule runs it. */
  deleteTemplate(templateId: string): Promise<AnswerOf<'postTemplatesDelete'>> {
    return this.call('postTemplatesDelete', { body: { templateId } });
  }

  /** One job (`jobId`) or a run (`runId`); a value of the wrong type or a required one missing is a 400 with a sentence. */
  runTemplate(templateId: string, params: ParamValues): Promise<AnswerOf<'postTemplatesRun'>> {
    return this.call('postTemplatesRun', { body: { templateId, params } });
  }

  schedules(): Promise<AnswerOf<'getSchedulesCreate'>> {
    return this.call('getSchedulesCreate');
  }

  /** A cron expression in words and its next five times; a 400 with a sentence when the coordinator cannot read it. */
  previewSchedule(cron: string, timezone: string | undefined): Promise<AnswerOf<'getSchedulesPreview'>> {
    return this.call('getSchedulesPreview', { query: { cron, timezone } });
  }

  createSchedule(body: ScheduleBody): Promise<AnswerOf<'postSchedulesCreate'>> {
    return this.call('postSchedulesCreate', { body });
  }

  updateSchedule(scheduleId: string, body: ScheduleBody): Promise<AnswerOf<'postSchedulesUpdate'>> {
    return this.call('postSchedulesUpdate', { body: { ...body, scheduleId } });
  }

  /** Times passed while paused are not made up. */
  pauseSchedule(scheduleId: string, paused: boolean): Promise<AnswerOf<'postSchedulesPause'>> {
    return this.call('postSchedulesPause', { body: { scheduleId, paused } });
  }

  deleteSchedule(scheduleId: string): Promise<AnswerOf<'postSchedulesDelete'>> {
    return this.call('postSchedulesDelete', { body: { scheduleId } });
  }

  /** Opens the live feed; reconnects by itself (with backoff) until `close()`. */
  live(handlers: LiveHandlers): LiveConnection {
    return new LiveConnection(this.base, handlers);
  }
}
