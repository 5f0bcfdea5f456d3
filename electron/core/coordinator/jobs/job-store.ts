/**
 * Durable state of the coordinator, as the routes see it: reads facts from the repositories, asks the
 * lifecycle what they mean, applies its answer in one transaction and announces the change. The
 * coordinator makes changes durable with `sync()` (through GroupCommit) before it acknowledges them.
 */
import { DIRECT_WORKER_ID } from '../../../../shared/targets.ts';
import type {
  ArtifactFile,
  AssignedJobDto,
  JobDto,
  TestCounts,
  JobTarget,
  LogChunk,
  LogEntry,
  LogPage,
  RunDto,
  RunStatusDto,
  WorkerDto,
} from '../../../../shared/api.ts';
import type { JobCounts, JobStatus } from '../../../../shared/job-status.ts';
import type { CoordinatorEvents } from '../live/events.ts';
import { DEFAULT_POLICY, type WorkerPolicy } from '../../../../shared/policy.ts';
import type { PolicyScope } from '../state/repositories/policies.ts';
import { onAssign, onCancel, onWorkerReport, type AssignRefusal, type Refusal, type WorkerFailureReason, type WorkerReport } from './lifecycle.ts';
import { toAssignedJob, toJobDto, type CreateJobInput, type JobPageQuery, type JobRecord } from '../state/repositories/jobs.ts';
import type { RegisterInput } from '../state/repositories/workers.ts';
import { forgetWorker, replaceWorker, type ForgetOutcome } from '../workers/worker-admin.ts';
import { StoreCore } from '../state/store-core.ts';
import { nextJobFor } from './assignment.ts';
import { checkTarget, createRun, pageRuns, rerunInput, runStatus, type CreateRunInput, type CreateRunOutcome } from '../runs/runs.ts';
import { matchesTarget, normalizeTarget } from './targeting.ts';
import { UploadIndex } from '../files/upload-index.ts';
import { appendOutput, readLog, type AppendOutcome, type LogQuery } from './job-output.ts';
import type { JoinTokenPolicy } from '../state/repositories/join-tokens.ts';
import {
  heartbeat,
  joinNewWorker,
  registerWorker,
  revokeWorker,
  sweep,
  workerGone,
  type Beat,
  type GoneCause,
  type JoinRefusal,
  type SweepReport,
} from '../workers/worker-liveness.ts';

export type { CreateJobInput, JobPageQuery, RegisterInput, Refusal, SweepReport };
export { DEFAULT_TIMEOUT_SECONDS } from '../state/repositories/jobs.ts';

/** The worker id direct runs (commands run on the coordinator PC itself) are recorded under. */
export { DIRECT_WORKER_ID };
export { OUTPUT_DROPPED_MARKER } from '../state/repositories/log.ts';
export type { LogQuery };

export interface JobStoreOptions {
  /** Path of the database file (`:memory:` for throwaway stores). */
  file: string;
  events: CoordinatorEvents;
  now?: () => number;
  /** Stored output per stream and job; chunks past it are dropped and a marker says so. */
  maxOutputBytes?: number;
}

export type Outcome<T> = ({ ok: true } & T) | Refusal;
export type AssignOutcome = { ok: true; job: AssignedJobDto } | AssignRefusal;
export type ReportOutcome = Outcome<{ status: JobStatus; repeated: boolean }>;

export class JobStore {
  readonly #core: StoreCore;
  /** What the database knows about uploaded zips. */
  readonly uploads: UploadIndex;

  constructor(options: JobStoreOptions) {
    this.#core = new StoreCore(options);
    this.uploads = new UploadIndex(this.#core);
  }

  get schemaVersion(): number {
    return this.#core.db.schemaVersion;
  }

  /** Whether changes were committed since the last sync(). */
  get unsynced(): boolean {
    return this.#core.db.unsynced;
  }

  /** Makes every committed change survive power loss (one fsync). */
  sync(): void {
    this.#core.db.sync();
  }

  close(): void {
    this.#core.db.close();
  }

  // ---- workers -------------------------------------------------------------------------------

  registerWorker(input: RegisterInput, tokenHash: string | null): { worker: WorkerDto; endedJobs: string[] } {
    return registerWorker(this.#core, input, tokenHash);
  }

  joinNewWorker(input: RegisterInput, tokenHash: string | null, joinTokenHash: string): { ok: true; worker: WorkerDto } | JoinRefusal {
    return joinNewWorker(this.#core, input, tokenHash, joinTokenHash);
  }

  revokeWorker(workerId: string): { ok: true; endedJobs: string[] } | { ok: false; reason: 'worker_not_found' } {
    return revokeWorker(this.#core, workerId);
  }

  /** The result files a worker brought back for a job, and junit.xml's counts. */
  setArtifacts(jobId: string, files: ArtifactFile[], tests: TestCounts | null): void {
    const done = this.#core.db.transaction(() => {
      const job = this.#core.jobs.get(jobId);
      if (job) this.#core.jobs.setArtifacts(job, files, tests);
      return job !== undefined;
    });
    if (done) this.#core.announce([], [jobId], false);
  }

  /** The lab's policy and its overrides per tag and per worker. */
  policies(): { lab: WorkerPolicy; tags: Record<string, WorkerPolicy>; workers: Record<string, WorkerPolicy> } {
    const all = this.#core.policies.all();
    const pick = (prefix: string) => Object.fromEntries([...all].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    return { lab: all.get('lab') ?? DEFAULT_POLICY, tags: pick('tag:'), workers: pick('worker:') };
  }

  /** Sets (or with null clears) the policy of a scope; every worker it touches hears of it at its next heartbeat. */
  setPolicy(scope: PolicyScope, policy: WorkerPolicy | null): void {
    this.#core.db.transaction(() => (policy ? this.#core.policies.set(scope, policy) : this.#core.policies.clear(scope)));
    this.#core.announce(
      this.#core.workers.all().map((w) => w.workerId),
      [],
      false,
    );
  }

  /** Any request by this worker: a sign of life. */
  noteWorkerSeen(workerId: string): void {
    this.#core.seen(workerId, this.#core.now());
  }

  /** See worker-liveness.ts: the worker hung up (and stayed away since `since`), or said goodbye. */
  workerGone(workerId: string, cause: GoneCause, since?: number): boolean {
    return workerGone(this.#core, workerId, cause, since);
  }

  /** The admin's name for a worker (null: its hostname again). */
  renameWorker(workerId: string, name: string | null): WorkerDto | undefined {
    return this.changeWorker(workerId, () => this.#core.workers.setDisplayName(workerId, name || null), false);
  }

  /** Paused by the admin: it finishes its job and takes no other until resumed. */
  pauseWorker(workerId: string, paused: boolean): WorkerDto | undefined {
    return this.changeWorker(workerId, () => this.#core.workers.setAdminPaused(workerId, paused, this.#core.now()), !paused);
  }

  /** Removes an offline worker; pending jobs meant for it alone fail with a sentence. */
  forgetWorker(workerId: string): ForgetOutcome {
    return forgetWorker(this.#core, workerId);
  }

  /** A re-installed PC takes over the offline worker it replaces: its name, tags and waiting jobs. */
  replaceWorker(workerId: string, replaces: string): ForgetOutcome {
    return replaceWorker(this.#core, workerId, replaces);
  }

  private changeWorker(workerId: string, change: () => void, workAvailable: boolean): WorkerDto | undefined {
    const done = this.#core.db.transaction(() => {
      if (!this.#core.workers.get(workerId)) return false;
      change();
      return true;
    });
    if (!done) return undefined;
    this.#core.announce([workerId], [], workAvailable);
    return this.getWorker(workerId);
  }

  /** The admin sets a worker's tags (its own --tags replace them when it registers again). */
  setWorkerTags(workerId: string, tags: string[]): WorkerDto | undefined {
    const done = this.#core.db.transaction(() => {
      if (!this.#core.workers.get(workerId)) return false;
      this.#core.workers.setTags(workerId, tags);
      return true;
    });
    if (!done) return undefined;
    this.#core.announce([workerId], [], true); // a targeted job may match it now
    return this.getWorker(workerId);
  }

  joinTokenPolicy(tokenHash: string): JoinTokenPolicy {
    return this.#core.joinTokens.policy(tokenHash);
  }

  /** Limits for a (new) join token: its uses start at 0. */
  setJoinTokenPolicy(tokenHash: string, limits: { expiresAt: number | null; maxUses: number | null }): void {
    this.#core.db.transaction(() => this.#core.joinTokens.set(tokenHash, limits, this.#core.now()));
  }

  heartbeat(workerId: string, beat: Beat = {}): { worker: WorkerDto; cancelJobIds: string[]; changed: boolean } | undefined {
    return heartbeat(this.#core, workerId, beat);
  }

  sweep(cutoff: number, offlineAfterSeconds: number): SweepReport {
    return sweep(this.#core, cutoff, offlineAfterSeconds);
  }

  getWorker(workerId: string): WorkerDto | undefined {
    const worker = this.#core.workers.get(workerId);
    return worker && this.#core.workerDto(worker);
  }

  listWorkers(): WorkerDto[] {
    return this.#core.workers.all().map((w) => this.#core.workerDto(w));
  }

  /** The worker a per-worker token (by its SHA-256) belongs to. */
  workerIdForTokenHash(tokenHash: string): string | undefined {
    return this.#core.workers.idForTokenHash(tokenHash);
  }

  // ---- jobs ----------------------------------------------------------------------------------

  /** A new pending job (check its target first with targetProblem). */
  createJob(input: CreateJobInput): JobDto {
    const jobId = this.#core.db.transaction(() => this.#core.jobs.insert({ ...input, target: normalizeTarget(input.target) }, this.#core.now()));
    this.#core.announce([], [jobId], true);
    return this.getJob(jobId)!;
  }

  /** Workers (not revoked) a target selects: how many jobs a broadcast to it makes. */
  countMatchingWorkers(target: JobTarget | null): number {
    return this.#core.workers.all().filter((w) => !w.revoked && matchesTarget(normalizeTarget(target), w)).length;
  }

  /** A direct run on the coordinator, recorded as a job of worker `coordinator` that starts at once. */
  startDirectJob(input: CreateJobInput): JobDto {
    const now = this.#core.now();
    const jobId = this.#core.db.transaction(() => {
      const id = this.#core.jobs.insert({ ...input, target: null }, now);
      this.#core.apply(this.#core.jobs.get(id)!, { kind: 'start', workerId: DIRECT_WORKER_ID }, now);
      return id;
    });
    this.#core.announce([], [jobId], false);
    return this.getJob(jobId)!;
  }

  /** Direct runs the coordinator was running when it stopped: they cannot go on. */
  endInterruptedDirectJobs(): string[] {
    const ended = this.#core.db.transaction(() =>
      this.#core.jobs.runningOf(DIRECT_WORKER_ID).map((job) => {
        this.#core.apply(
          job,
          {
            kind: 'end',
            status: 'failed',
            endReason: 'error',
            exitCode: null,
            errorMessage: 'The coordinator stopped during this direct run; it did not finish.',
            endedBy: 'coordinator',
          },
          this.#core.now(),
        );
        return job.jobId;
      }),
    );
    this.#core.announce([], ended, false);
    return ended;
  }

  /** Why a target cannot be used (it names an unknown worker, or selects none), or null. */
  targetProblem(target: JobTarget | null | undefined): string | null {
    return checkTarget(this.#core, normalizeTarget(target));
  }

  // ---- runs ----------------------------------------------------------------------------------

  createRun(input: CreateRunInput): CreateRunOutcome {
    return createRun(this.#core, input);
  }

  runStatus(runId: string): RunStatusDto | undefined {
    return runStatus(this.#core, runId);
  }

  pageRuns(limit: number, before?: string): { runs: RunDto[]; total: number; nextBefore: string | null } {
    return pageRuns(this.#core, limit, before);
  }

  rerunInput(runId: string, only: 'failed' | 'all'): ReturnType<typeof rerunInput> {
    return rerunInput(this.#core, runId, only);
  }

  /** Cancels every job of the run that has not ended: pending ones at once, running ones through their workers. */
  cancelRun(runId: string): { ok: true; cancelled: number; cancelling: number } | { ok: false } {
    const ids: string[] = [];
    const outcome = this.#core.db.transaction(() => {
      if (!this.#core.runs.get(runId)) return { ok: false as const };
      let cancelled = 0;
      let cancelling = 0;
      for (const row of this.#core.runs.jobs(runId)) {
        const job = this.#core.jobs.get(row.jobId)!;
        const decision = onCancel(job);
        if (!decision.ok || (decision.transition.kind === 'request-cancel' && job.cancelRequested)) continue;
        this.#core.apply(job, decision.transition, this.#core.now());
        if (decision.transition.kind === 'request-cancel') cancelling++;
        else cancelled++;
        ids.push(job.jobId);
      }
      return { ok: true as const, cancelled, cancelling };
    });
    if (outcome.ok) this.#core.announce([], ids, false);
    return outcome;
  }

  /** A job with its output so far. */
  getJob(jobId: string): JobDto | undefined {
    const job = this.#core.jobs.get(jobId);
    return job && toJobDto(job, this.outputOf(job));
  }

  /** A job without its output but with everything else (its artifact listing too): for a page that reads the log by pages. */
  getJobWithoutOutput(jobId: string): JobDto | undefined {
    const job = this.#core.jobs.get(jobId);
    return job && { ...toJobDto(job), artifacts: job.artifacts };
  }

  /** A job without its output (for live updates). */
  getJobSummary(jobId: string): JobDto | undefined {
    const job = this.#core.jobs.get(jobId);
    return job && toJobDto(job);
  }

  /** Every job, oldest first, with its output: the seed's list. */
  listJobs(): JobDto[] {
    return this.#core.jobs.all().map((job) => toJobDto(job, this.outputOf(job)));
  }

  /** One page, newest first, without output. */
  pageJobs(query: JobPageQuery): { jobs: JobDto[]; total: number; nextBefore: string | null } {
    const page = this.#core.jobs.page(query);
    return { ...page, jobs: page.jobs.map((job) => toJobDto(job)) };
  }

  jobCounts(): JobCounts {
    return this.#core.jobs.counts();
  }

  anyPending(): boolean {
    return this.#core.jobs.anyPending();
  }

  countJobs(status: JobStatus): number {
    return this.#core.jobs.count(status);
  }

  /**
   * Assigns the oldest pending job to `workerId`, or, without a worker id (the seed's get-job), to the
   * first idle worker. Atomic: the read and the update are one transaction, so no job is handed out twice.
   */
  assignNextJob(requestedWorkerId?: string): AssignOutcome {
    const now = this.#core.now();
    const facts = (workerId: string | undefined, next: JobRecord | undefined) => ({
      workerId,
      workerExists: workerId !== undefined && this.#core.workers.get(workerId) !== undefined,
      runningJobId: workerId === undefined ? null : (this.#core.jobs.runningOf(workerId)[0]?.jobId ?? null),
      next,
    });
    // Most long polls find nothing: answer those from a read, without a write transaction.
    if (!this.#core.jobs.anyPending()) {
      const decision = onAssign(facts(requestedWorkerId ?? this.#core.workers.firstIdleId(), undefined));
      return decision.ok ? { ok: false, reason: 'no_pending_job' } : decision;
    }
    const outcome = this.#core.db.transaction((): AssignOutcome & { workerId?: string } => {
      const workerId = requestedWorkerId ?? this.#core.workers.firstIdleId();
      const worker = workerId === undefined ? undefined : this.#core.workers.get(workerId);
      const next = worker && !worker.revoked && !worker.adminPaused ? nextJobFor(this.#core, worker) : undefined;
      const decision = onAssign(facts(workerId, next));
      if (!decision.ok) return decision;
      this.#core.apply(next!, decision.transition, now);
      const logStart = this.startAttemptLog(next!, workerId!, now);
      return { ok: true, job: { ...toAssignedJob(next!), ...(logStart > 0 ? { logStart } : {}) }, workerId };
    });
    if (outcome.ok) this.#core.announce([outcome.workerId!], [outcome.job.jobId], false);
    return outcome.ok ? { ok: true, job: outcome.job } : outcome;
  }

  /** A retried job's log goes on after the earlier attempt's, behind a line that says so; returns this attempt's first seq. */
  private startAttemptLog(job: JobRecord, workerId: string, now: number): number {
    const start = this.#core.log.nextSeq(job.seq);
    if (start === 0) return 0;
    const line = `\n[cmdx: the job starts again on ${workerId} (attempt ${job.attempts + 1} of ${job.maxAttempts})]\n`;
    const entry = this.#core.log.append(job.seq, { seq: start, stream: 'stdout', time: now, data: line }, now);
    if (entry) queueMicrotask(() => this.#core.events.emit('output', job.jobId, [entry]));
    return start + 1;
  }

  /** The worker's result: the commands ran to `exitCode`. A repeat of an accepted report is accepted again. */
  completeJob(jobId: string, workerId: string, exitCode: number, stdout?: string | null, stderr?: string | null, commandStartedAt?: number): ReportOutcome {
    const fresh: LogEntry[] = [];
    const outcome = this.endByWorker(jobId, workerId, { kind: 'result', exitCode }, commandStartedAt, (job) => {
      // A seed-style worker sends its whole output with the result; ours streamed it already.
      if (this.#core.log.nextSeq(job.seq) > 0) return;
      const now = this.#core.now();
      for (const [stream, data] of [
        ['stdout', stdout],
        ['stderr', stderr],
      ] as const) {
        const entry = data ? this.#core.log.append(job.seq, { seq: this.#core.log.nextSeq(job.seq), stream, data, time: now }, now) : null;
        if (entry) fresh.push(entry);
      }
    });
    if (fresh.length > 0) this.#core.events.emit('output', jobId, fresh);
    return outcome;
  }

  /** The worker's failure report: the job could not run to an exit code. */
  failJob(jobId: string, workerId: string, errorMessage?: string | null, commandStartedAt?: number, endReason?: WorkerFailureReason): ReportOutcome {
    return this.endByWorker(jobId, workerId, { kind: 'failure', errorMessage, endReason }, commandStartedAt);
  }

  private endByWorker(
    jobId: string,
    workerId: string,
    report: WorkerReport,
    commandStartedAt: number | undefined,
    before?: (job: JobRecord) => void,
  ): ReportOutcome {
    const now = this.#core.now();
    const outcome = this.#core.db.transaction((): ReportOutcome => {
      const job = this.#core.jobs.get(jobId);
      const decision = onWorkerReport(job, workerId, report);
      if (!decision.ok) return decision;
      if (!decision.transition) return { ok: true, status: job!.status, repeated: true };
      before?.(job!);
      this.#core.apply(job!, decision.transition, now, commandStartedAt ?? null);
      const worker = this.#core.workers.get(workerId);
      if (worker?.currentJobId === jobId) this.#core.workers.setState(workerId, worker.status === 'offline' ? 'offline' : 'idle', null);
      this.#core.workers.touch(workerId, now);
      return { ok: true, status: decision.transition.status, repeated: false };
    });
    if (outcome.ok && !outcome.repeated) this.#core.announce([workerId], [jobId], false);
    return outcome;
  }

  /** Pending jobs are cancelled at once; running ones are flagged and their worker stops them. */
  cancelJob(jobId: string): Outcome<{ status: JobStatus; cancelRequested: boolean }> {
    const outcome = this.#core.db.transaction((): Outcome<{ status: JobStatus; cancelRequested: boolean }> => {
      const job = this.#core.jobs.get(jobId);
      const decision = onCancel(job);
      if (!decision.ok) return decision;
      this.#core.apply(job!, decision.transition, this.#core.now());
      const requested = decision.transition.kind === 'request-cancel';
      return { ok: true, status: requested ? 'running' : 'cancelled', cancelRequested: requested };
    });
    if (outcome.ok) this.#core.announce([], [jobId], false);
    return outcome;
  }

  // ---- output --------------------------------------------------------------------------------

  /** Stores live output chunks of a running job (see job-output.ts). */
  appendOutput(jobId: string, workerId: string, chunks: LogChunk[]): AppendOutcome {
    return appendOutput(this.#core, jobId, workerId, chunks);
  }

  /** A page of a job's ordered log (see job-output.ts). */
  readLog(jobId: string, query: LogQuery): LogPage | undefined {
    return readLog(this.#core, jobId, query);
  }

  private outputOf(job: JobRecord): { stdout: string; stderr: string } {
    return { stdout: this.#core.log.text(job.seq, 'stdout'), stderr: this.#core.log.text(job.seq, 'stderr') };
  }
}
