/**
 * Durable state of the coordinator: workers, jobs and job output in one SQLite file (node:sqlite).
 * Every method that changes state runs in one transaction. Transactions commit to the WAL without an
 * fsync (synchronous=NORMAL: safe against a killed process, as the WAL is already in the OS); `sync()`
 * then makes everything committed so far survive power loss too, with one fsync (synchronous=FULL).
 * The coordinator calls it (through GroupCommit) before it acknowledges any change, so many requests
 * share one fsync. Node runs this synchronously on one thread, so a transaction is also the lock that
 * makes job assignment atomic.
 */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { randomBytes } from 'node:crypto';
import type { AssignedJobDto, JobDto, LogChunk, OutputStream, WorkerDto } from '../../../shared/api.ts';
import { canTransition, type JobStatus, type WorkerStatus } from '../../../shared/job-status.ts';
import { MIGRATIONS } from './migrations.ts';
import type { CoordinatorEvents } from './events.ts';

export interface JobStoreOptions {
  /** Path of the database file (`:memory:` for throwaway stores). */
  file: string;
  events: CoordinatorEvents;
  now?: () => number;
  /** Stored output per stream and job; chunks past it are dropped and a marker says so. */
  maxOutputBytes?: number;
}

export interface RegisterInput {
  workerId: string;
  hostname: string;
  os?: string | null;
  cpuCount?: number | null;
  version?: string | null;
}

export interface CreateJobInput {
  command: string;
  fileUrl: string;
  filename: string;
  timeoutSeconds?: number;
  maxAttempts?: number;
}

export interface JobPageQuery {
  status?: JobStatus;
  limit: number;
  /** Job id cursor: only jobs created before this one. */
  before?: string;
}

/** Why a request about a job was refused; routes turn these into HTTP statuses. */
export type Refusal =
  | { ok: false; reason: 'job_not_found' }
  | { ok: false; reason: 'worker_not_found' }
  | { ok: false; reason: 'not_assigned' }
  | { ok: false; reason: 'already_ended'; status: JobStatus; errorMessage: string | null };

export type Outcome<T> = ({ ok: true } & T) | Refusal;

export type AssignOutcome =
  | { ok: true; job: AssignedJobDto }
  | { ok: false; reason: 'worker_not_found' | 'worker_busy' | 'no_idle_worker' | 'no_pending_job'; currentJobId?: string };

/** What the offline sweep did, for logs and tests. */
export interface SweepReport {
  offline: string[];
  requeued: string[];
  failed: string[];
  cancelled: string[];
  timedOut: string[];
}

export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const OUTPUT_DROPPED_MARKER = (bytes: number) => `\n[cmdx: output over the coordinator's limit of ${bytes} bytes was dropped]\n`;

interface WorkerRow {
  worker_id: string;
  hostname: string;
  os: string | null;
  cpu_count: number | null;
  version: string | null;
  status: WorkerStatus;
  last_heartbeat: number;
  registered_at: number;
  token_hash: string | null;
  current_job_id: string | null;
  paused: number;
}

interface JobRow {
  seq: number;
  job_id: string;
  status: JobStatus;
  worker_id: string | null;
  command: string;
  file_url: string;
  filename: string;
  exit_code: number | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  timeout_seconds: number;
  max_attempts: number;
  attempts: number;
  cancel_requested: number;
  ended_by: string | null;
  command_started_at: number | null;
}

/** A job the worker holds for this long without mentioning it in a heartbeat never reached it. */
const UNDELIVERED_GRACE_MS = 15_000;
/** Slack past a job's timeout before the coordinator gives up on hearing from its worker. */
const TIMEOUT_GRACE_MS = 60_000;

export class JobStore {
  readonly #db: DatabaseSync;
  readonly #events: CoordinatorEvents;
  readonly #now: () => number;
  readonly #maxOutputBytes: number;
  readonly #stmts: ReturnType<JobStore['prepare']>;
  #unsynced = false;

  constructor(options: JobStoreOptions) {
    this.#db = new DatabaseSync(options.file);
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
    this.#maxOutputBytes = options.maxOutputBytes ?? 16 * 1024 * 1024;
    // One coordinator per file: assignment is atomic only inside one process. The OS drops the lock if we die.
    this.#db.exec('PRAGMA locking_mode = EXCLUSIVE');
    try {
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (error) {
      this.#db.close();
      if (/locked|busy/i.test((error as Error).message)) {
        throw new Error(`The database ${options.file} is already in use by another coordinator; stop that one or use another --data-dir.`);
      }
      throw error;
    }
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec('PRAGMA foreign_keys = ON');
    this.migrate();
    this.#stmts = this.prepare();
  }

  close(): void {
    if (!this.#db.isOpen) return;
    this.sync();
    this.#db.close();
  }

  /** Schema version this file is at. */
  get schemaVersion(): number {
    return Number((this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  }

  private migrate(): void {
    const current = this.schemaVersion;
    if (current > MIGRATIONS.length) {
      throw new Error(`The database was written by a newer CMD Executor (schema ${current}, this build knows ${MIGRATIONS.length}); upgrade this coordinator or use another --data-dir.`);
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.transaction(() => {
        this.#db.exec(MIGRATIONS[version]!);
        this.#db.exec(`PRAGMA user_version = ${version + 1}`);
      });
    }
  }

  private prepare() {
    const db = this.#db;
    return {
      workerById: db.prepare('SELECT * FROM workers WHERE worker_id = ?'),
      workerByTokenHash: db.prepare('SELECT worker_id FROM workers WHERE token_hash = ?'),
      workersAll: db.prepare('SELECT * FROM workers ORDER BY registered_at, worker_id'),
      firstIdleWorker: db.prepare("SELECT worker_id FROM workers WHERE status = 'idle' ORDER BY registered_at, worker_id LIMIT 1"),
      upsertWorker: db.prepare(`
        INSERT INTO workers (worker_id, hostname, os, cpu_count, version, status, last_heartbeat, registered_at, token_hash, current_job_id)
        VALUES ($id, $hostname, $os, $cpu, $version, 'idle', $now, $now, $token, NULL)
        ON CONFLICT(worker_id) DO UPDATE SET hostname = $hostname, os = $os, cpu_count = $cpu, version = $version,
          status = 'idle', last_heartbeat = $now, token_hash = $token, current_job_id = NULL`),
      touchWorker: db.prepare('UPDATE workers SET last_heartbeat = ? WHERE worker_id = ?'),
      setPaused: db.prepare('UPDATE workers SET paused = ? WHERE worker_id = ?'),
      setWorkerState: db.prepare('UPDATE workers SET status = ?, current_job_id = ? WHERE worker_id = ?'),
      staleWorkers: db.prepare("SELECT worker_id FROM workers WHERE status != 'offline' AND last_heartbeat < ?"),
      jobById: db.prepare('SELECT * FROM jobs WHERE job_id = ?'),
      runningJobsOf: db.prepare("SELECT * FROM jobs WHERE status = 'running' AND worker_id = ?"),
      overdueJobs: db.prepare("SELECT * FROM jobs WHERE status = 'running' AND started_at + timeout_seconds * 1000 + ? < ?"),
      nextPending: db.prepare("SELECT * FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT 1"),
      anyPending: db.prepare("SELECT 1 AS x FROM jobs WHERE status = 'pending' LIMIT 1"),
      countByStatus: db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE status = ?'),
      countAll: db.prepare('SELECT COUNT(*) AS n FROM jobs'),
      insertJob: db.prepare(`
        INSERT INTO jobs (job_id, status, command, file_url, filename, created_at, timeout_seconds, max_attempts)
        VALUES (?, 'pending', ?, ?, ?, ?, ?, ?)`),
      startJob: db.prepare("UPDATE jobs SET status = 'running', worker_id = ?, started_at = ?, attempts = attempts + 1 WHERE seq = ?"),
      endJob: db.prepare("UPDATE jobs SET status = ?, exit_code = ?, error_message = ?, completed_at = ?, ended_by = ?, command_started_at = COALESCE(?, command_started_at) WHERE seq = ? AND status IN ('pending', 'running')"),
      requeueJob: db.prepare("UPDATE jobs SET status = 'pending', worker_id = NULL, started_at = NULL, attempts = attempts - ? WHERE seq = ?"),
      requestCancel: db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE seq = ?'),
      jobsAll: db.prepare('SELECT * FROM jobs ORDER BY seq'),
      fileInUseBy: db.prepare("SELECT 1 FROM jobs WHERE file_url = ? AND status = 'running' AND worker_id = ? LIMIT 1"),
      outputOf: db.prepare('SELECT data FROM job_output WHERE job_seq = ? AND stream = ? ORDER BY seq'),
      outputBytes: {
        stdout: db.prepare('SELECT stdout_bytes AS n FROM jobs WHERE seq = ?'),
        stderr: db.prepare('SELECT stderr_bytes AS n FROM jobs WHERE seq = ?'),
      },
      addOutputBytes: {
        stdout: db.prepare('UPDATE jobs SET stdout_bytes = stdout_bytes + ? WHERE seq = ?'),
        stderr: db.prepare('UPDATE jobs SET stderr_bytes = stderr_bytes + ? WHERE seq = ?'),
      },
      insertOutput: db.prepare('INSERT OR IGNORE INTO job_output (job_seq, stream, seq, data) VALUES (?, ?, ?, ?)'),
      nextOutputSeq: db.prepare(`
        SELECT COALESCE(MIN(o.seq + 1), 0) AS next FROM job_output o
        WHERE o.job_seq = $job AND o.stream = $stream
          AND NOT EXISTS (SELECT 1 FROM job_output n WHERE n.job_seq = o.job_seq AND n.stream = o.stream AND n.seq = o.seq + 1)`),
      hasOutputSeqZero: db.prepare('SELECT 1 FROM job_output WHERE job_seq = ? AND stream = ? AND seq = 0'),
    };
  }

  /** Whether transactions were committed since the last sync(). */
  get unsynced(): boolean {
    return this.#unsynced;
  }

  /** One fsync for every transaction committed so far: a tiny FULL commit flushes the whole WAL. */
  sync(): void {
    if (!this.#unsynced || !this.#db.isOpen) return;
    this.#db.exec('PRAGMA synchronous = FULL');
    try {
      this.#db.exec('BEGIN IMMEDIATE; UPDATE sync_marker SET n = n + 1 WHERE id = 1; COMMIT');
    } finally {
      this.#db.exec('PRAGMA synchronous = NORMAL');
    }
    this.#unsynced = false;
  }

  /** Runs `fn` in one IMMEDIATE transaction; rolls back if it throws. */
  private transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      this.#unsynced = true;
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  // ---- workers -------------------------------------------------------------------------------

  /**
   * Registers a worker (or re-registers one that restarted): it comes back idle with a new token.
   * A job it was running is handed back to the queue or failed, since the restarted worker no longer runs it.
   */
  registerWorker(input: RegisterInput, tokenHash: string | null): { worker: WorkerDto; endedJobs: string[] } {
    const now = this.#now();
    const ended: string[] = [];
    const worker = this.transaction(() => {
      for (const job of this.#stmts.runningJobsOf.all(input.workerId) as unknown as JobRow[]) {
        this.loseJob(job, `Worker ${input.workerId} restarted (registered again) while running this job.`, now);
        ended.push(job.job_id);
      }
      this.#stmts.upsertWorker.run({
        $id: input.workerId, $hostname: input.hostname, $os: input.os ?? null, $cpu: input.cpuCount ?? null,
        $version: input.version ?? null, $now: now, $token: tokenHash,
      });
      return this.getWorker(input.workerId)!;
    });
    this.#events.emit('worker', input.workerId);
    for (const id of ended) this.#events.emit('job', id);
    if (ended.length > 0) this.#events.emit('work-available');
    return { worker, endedJobs: ended };
  }

  /**
   * Records a heartbeat. `reportedJobId` is what the worker says it runs (undefined: it did not say);
   * a job assigned to it long ago that it does not mention never reached it and goes back to the queue.
   * `restarted` says the worker process is new: jobs given to its previous process are lost now.
   */
  heartbeat(workerId: string, beat: { reportedJobId?: string | null; paused?: boolean; restarted?: boolean } = {}): { worker: WorkerDto; cancelJobIds: string[]; changed: boolean } | undefined {
    const now = this.#now();
    let requeued = false;
    const ended: string[] = [];
    const result = this.transaction(() => {
      const row = this.workerRow(workerId);
      if (!row) return undefined;
      this.#stmts.touchWorker.run(now, workerId);
      let changed = false;
      if (beat.paused !== undefined && beat.paused !== (row.paused === 1)) {
        this.#stmts.setPaused.run(beat.paused ? 1 : 0, workerId);
        changed = true;
      }
      const cancelJobIds: string[] = [];
      for (const job of this.#stmts.runningJobsOf.all(workerId) as unknown as JobRow[]) {
        if (job.job_id === beat.reportedJobId) {
          if (job.cancel_requested) cancelJobIds.push(job.job_id);
        } else if (beat.restarted) {
          if (this.loseJob(job, `Worker ${workerId} restarted while running this job.`, now) === 'requeued') requeued = true;
          ended.push(job.job_id);
        } else if (beat.reportedJobId !== undefined && (job.started_at ?? now) < now - UNDELIVERED_GRACE_MS) {
          this.requeue(job, true);
          requeued = true;
          ended.push(job.job_id);
        } else if (job.cancel_requested) {
          cancelJobIds.push(job.job_id);
        }
      }
      // The worker's state follows from what it runs now (an offline worker that beats is back).
      const running = this.#stmts.runningJobsOf.all(workerId) as unknown as JobRow[];
      const status: WorkerStatus = running.length > 0 ? 'busy' : 'idle';
      const current = running[0]?.job_id ?? null;
      if (status !== row.status || current !== row.current_job_id || ended.length > 0) {
        this.#stmts.setWorkerState.run(status, current, workerId);
        changed = true;
      }
      // A plain "still alive" moves only the timestamp: not a change that must survive power loss.
      return { worker: this.getWorker(workerId)!, cancelJobIds, changed };
    });
    // Every heartbeat is news to the dashboard ("last seen"); the live feed coalesces them.
    if (result) this.#events.emit('worker', workerId);
    for (const id of ended) this.#events.emit('job', id);
    if (requeued) this.#events.emit('work-available');
    return result;
  }

  getWorker(workerId: string): WorkerDto | undefined {
    const row = this.workerRow(workerId);
    return row ? toWorkerDto(row) : undefined;
  }

  listWorkers(): WorkerDto[] {
    return (this.#stmts.workersAll.all() as unknown as WorkerRow[]).map(toWorkerDto);
  }

  /** The worker a per-worker token (by its SHA-256) belongs to. */
  workerIdForTokenHash(tokenHash: string): string | undefined {
    const row = this.#stmts.workerByTokenHash.get(tokenHash) as { worker_id: string } | undefined;
    return row?.worker_id;
  }

  private workerRow(workerId: string): WorkerRow | undefined {
    return this.#stmts.workerById.get(workerId) as unknown as WorkerRow | undefined;
  }

  // ---- jobs ----------------------------------------------------------------------------------

  createJob(input: CreateJobInput): JobDto {
    const now = this.#now();
    const jobId = `job-${now}-${randomBytes(5).toString('hex')}`;
    this.transaction(() => {
      this.#stmts.insertJob.run(jobId, input.command, input.fileUrl, input.filename, now,
        input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, input.maxAttempts ?? 1);
    });
    this.#events.emit('job', jobId);
    this.#events.emit('work-available');
    return this.getJob(jobId)!;
  }

  getJob(jobId: string): JobDto | undefined {
    const row = this.jobRow(jobId);
    return row ? this.toJobDto(row, true) : undefined;
  }

  /** A job without its output (for live updates). */
  getJobSummary(jobId: string): JobDto | undefined {
    const row = this.jobRow(jobId);
    return row ? this.toJobDto(row, false) : undefined;
  }

  /** Every job, oldest first, with its output: the seed's list. */
  listJobs(): JobDto[] {
    return (this.#stmts.jobsAll.all() as unknown as JobRow[]).map((row) => this.toJobDto(row, true));
  }

  /** One page, newest first, without output (a dashboard of 100,000 jobs reads only what it shows). */
  pageJobs(query: JobPageQuery): { jobs: JobDto[]; total: number; nextBefore: string | null } {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.before) {
      const cursor = this.jobRow(query.before);
      where.push('seq < ?');
      params.push(cursor ? cursor.seq : 0);
    }
    const sql = `SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, query.limit + 1) as unknown as JobRow[];
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const total = query.status ? this.countJobs(query.status) : (this.#stmts.countAll.get() as { n: number }).n;
    return {
      jobs: page.map((row) => this.toJobDto(row, false)),
      total,
      nextBefore: more ? page[page.length - 1]!.job_id : null,
    };
  }

  countJobs(status: JobStatus): number {
    return (this.#stmts.countByStatus.get(status) as { n: number }).n;
  }

  /**
   * Assigns the oldest pending job to `workerId`, or, without a worker id (the seed's get-job), to the
   * first idle worker. Atomic: the read and the update are one transaction, so no job is handed out twice.
   */
  assignNextJob(workerId?: string): AssignOutcome {
    const now = this.#now();
    // Most long polls find nothing: answer those from a read, without a write transaction.
    if (!this.#stmts.anyPending.get()) {
      if (workerId !== undefined && !this.workerRow(workerId)) return { ok: false, reason: 'worker_not_found' };
      if (workerId === undefined && !this.#stmts.firstIdleWorker.get()) return { ok: false, reason: 'no_idle_worker' };
      const running = workerId === undefined ? undefined : (this.#stmts.runningJobsOf.get(workerId) as unknown as JobRow | undefined);
      return running ? { ok: false, reason: 'worker_busy', currentJobId: running.job_id } : { ok: false, reason: 'no_pending_job' };
    }
    const outcome = this.transaction((): AssignOutcome => {
      let id = workerId;
      if (id === undefined) {
        const idle = this.#stmts.firstIdleWorker.get() as { worker_id: string } | undefined;
        if (!idle) return { ok: false, reason: 'no_idle_worker' };
        id = idle.worker_id;
      }
      const worker = this.workerRow(id);
      if (!worker) return { ok: false, reason: 'worker_not_found' };
      const running = this.#stmts.runningJobsOf.get(id) as unknown as JobRow | undefined;
      if (running) return { ok: false, reason: 'worker_busy', currentJobId: running.job_id };
      if (worker.status !== 'idle') this.#stmts.setWorkerState.run('idle', null, id);
      const job = this.#stmts.nextPending.get() as unknown as JobRow | undefined;
      if (!job) return { ok: false, reason: 'no_pending_job' };
      this.move(job, 'running');
      this.#stmts.startJob.run(id, now, job.seq);
      this.#stmts.setWorkerState.run('busy', job.job_id, id);
      return {
        ok: true,
        job: { jobId: job.job_id, command: job.command, fileUrl: job.file_url, filename: job.filename, timeoutSeconds: job.timeout_seconds },
      };
    });
    if (outcome.ok) {
      this.#events.emit('job', outcome.job.jobId);
      this.#events.emit('worker', workerId ?? this.getJob(outcome.job.jobId)!.workerId!);
    }
    return outcome;
  }

  /** The worker's result: the commands ran to `exitCode`. A repeat of an accepted report is accepted again. */
  completeJob(jobId: string, workerId: string, exitCode: number, stdout?: string | null, stderr?: string | null, commandStartedAt?: number): Outcome<{ status: JobStatus; repeated: boolean }> {
    return this.endByWorker(jobId, workerId, commandStartedAt, (job) => {
      const status: JobStatus = job.cancel_requested ? 'cancelled' : 'completed';
      // A seed-style worker sends its whole output with the result; ours streamed it already.
      for (const [stream, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
        if (text && !this.#stmts.hasOutputSeqZero.get(job.seq, stream)) this.appendChunk(job.seq, stream, 0, text);
      }
      return { status, exitCode, errorMessage: status === 'cancelled' ? 'Cancelled by request.' : null };
    });
  }

  /** The worker's failure report: the job could not run to an exit code. */
  failJob(jobId: string, workerId: string, errorMessage?: string | null, commandStartedAt?: number): Outcome<{ status: JobStatus; repeated: boolean }> {
    return this.endByWorker(jobId, workerId, commandStartedAt, (job) => {
      const cancelled = job.cancel_requested === 1;
      return {
        status: cancelled ? 'cancelled' : 'failed',
        exitCode: null,
        errorMessage: cancelled ? 'Cancelled by request.' : errorMessage || 'The worker reported a failure without a message.',
      };
    });
  }

  private endByWorker(
    jobId: string,
    workerId: string,
    commandStartedAt: number | undefined,
    decide: (job: JobRow) => { status: JobStatus; exitCode: number | null; errorMessage: string | null },
  ): Outcome<{ status: JobStatus; repeated: boolean }> {
    const now = this.#now();
    const outcome = this.transaction((): Outcome<{ status: JobStatus; repeated: boolean }> => {
      const job = this.jobRow(jobId);
      if (!job) return { ok: false, reason: 'job_not_found' };
      if (job.worker_id !== workerId) return { ok: false, reason: 'not_assigned' };
      if (job.status !== 'running') {
        if (job.ended_by === 'worker') return { ok: true, status: job.status, repeated: true };
        return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.error_message };
      }
      const end = decide(job);
      this.end(job, end.status, end.exitCode, end.errorMessage, now, 'worker', commandStartedAt ?? null);
      const worker = this.workerRow(workerId);
      if (worker && worker.current_job_id === jobId) {
        this.#stmts.setWorkerState.run(worker.status === 'offline' ? 'offline' : 'idle', null, workerId);
      }
      this.#stmts.touchWorker.run(now, workerId);
      return { ok: true, status: end.status, repeated: false };
    });
    if (outcome.ok && !outcome.repeated) {
      this.#events.emit('job', jobId);
      this.#events.emit('worker', workerId);
    }
    return outcome;
  }

  /** Pending jobs are cancelled at once; running ones are flagged and their worker stops them. */
  cancelJob(jobId: string): Outcome<{ status: JobStatus; cancelRequested: boolean }> {
    const now = this.#now();
    const outcome = this.transaction((): Outcome<{ status: JobStatus; cancelRequested: boolean }> => {
      const job = this.jobRow(jobId);
      if (!job) return { ok: false, reason: 'job_not_found' };
      if (job.status === 'pending') {
        this.end(job, 'cancelled', null, 'Cancelled before it started.', now, 'coordinator');
        return { ok: true, status: 'cancelled', cancelRequested: false };
      }
      if (job.status === 'running') {
        this.#stmts.requestCancel.run(job.seq);
        return { ok: true, status: 'running', cancelRequested: true };
      }
      return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.error_message };
    });
    if (outcome.ok) this.#events.emit('job', jobId);
    return outcome;
  }

  /** Whether `workerId` may download `fileUrl`: it is the file of a job the worker runs now. */
  workerMayFetch(workerId: string, fileUrl: string): boolean {
    return this.#stmts.fileInUseBy.get(fileUrl, workerId) !== undefined;
  }

  /**
   * Upload URLs whose jobs have all ended before `cutoff` (ms): nothing will download them again,
   * except a "Run again", which the retention period allows for.
   */
  uploadsDoneBefore(cutoff: number): string[] {
    const rows = this.#db.prepare(`
      SELECT file_url FROM jobs WHERE file_url LIKE '/uploads/%'
      GROUP BY file_url
      HAVING SUM(status IN ('pending', 'running')) = 0 AND MAX(COALESCE(completed_at, created_at)) < ?`).all(cutoff) as { file_url: string }[];
    return rows.map((r) => r.file_url);
  }

  isFileReferenced(fileUrl: string): boolean {
    return this.#db.prepare('SELECT 1 FROM jobs WHERE file_url = ? LIMIT 1').get(fileUrl) !== undefined;
  }

  // ---- output --------------------------------------------------------------------------------

  /**
   * Stores live output chunks of a running job; a chunk seen before (same stream and seq) is ignored.
   * Returns the next sequence number expected per stream, so the worker notices a lost chunk, and
   * whether the job should be cancelled.
   */
  appendOutput(jobId: string, workerId: string, chunks: LogChunk[]): Outcome<{ cancel: boolean; next: Record<OutputStream, number> }> {
    const fresh: { stream: OutputStream; data: string }[] = [];
    const outcome = this.transaction((): Outcome<{ cancel: boolean; next: Record<OutputStream, number> }> => {
      const job = this.jobRow(jobId);
      if (!job) return { ok: false, reason: 'job_not_found' };
      if (job.worker_id !== workerId) return { ok: false, reason: 'not_assigned' };
      if (job.status !== 'running') return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.error_message };
      for (const chunk of chunks) {
        const stored = this.appendChunk(job.seq, chunk.stream, chunk.seq, chunk.data);
        if (stored !== null) fresh.push({ stream: chunk.stream, data: stored });
      }
      return {
        ok: true,
        cancel: job.cancel_requested === 1,
        next: { stdout: this.nextSeq(job.seq, 'stdout'), stderr: this.nextSeq(job.seq, 'stderr') },
      };
    });
    for (const chunk of fresh) this.#events.emit('output', jobId, chunk.stream, chunk.data);
    return outcome;
  }

  /** Inserts one chunk within the per-stream cap; returns the text stored, or null if it was a repeat or dropped. */
  private appendChunk(jobSeq: number, stream: OutputStream, seq: number, data: string): string | null {
    const { n: used } = this.#stmts.outputBytes[stream].get(jobSeq) as { n: number };
    const size = Buffer.byteLength(data);
    if (used >= this.#maxOutputBytes) {
      return null;
    }
    let text = data;
    if (used + size > this.#maxOutputBytes) {
      text = truncateUtf8(data, this.#maxOutputBytes - used) + OUTPUT_DROPPED_MARKER(this.#maxOutputBytes);
    }
    const result = this.#stmts.insertOutput.run(jobSeq, stream, Math.max(seq, 0), text);
    if (Number(result.changes) === 0) return null;
    this.#stmts.addOutputBytes[stream].run(Buffer.byteLength(text), jobSeq);
    return text;
  }

  private nextSeq(jobSeq: number, stream: OutputStream): number {
    return Number((this.#stmts.nextOutputSeq.get({ $job: jobSeq, $stream: stream }) as { next: number }).next);
  }

  private output(jobSeq: number, stream: OutputStream): string {
    return (this.#stmts.outputOf.all(jobSeq, stream) as { data: string }[]).map((r) => r.data).join('');
  }

  // ---- liveness ------------------------------------------------------------------------------

  /**
   * Marks workers silent since before `cutoff` offline and ends or requeues their jobs; fails jobs whose
   * worker has not reported long past their timeout. Called periodically by the scheduler.
   */
  sweep(cutoff: number, offlineAfterSeconds: number): SweepReport {
    const now = this.#now();
    const report: SweepReport = { offline: [], requeued: [], failed: [], cancelled: [], timedOut: [] };
    this.transaction(() => {
      for (const { worker_id: workerId } of this.#stmts.staleWorkers.all(cutoff) as { worker_id: string }[]) {
        for (const job of this.#stmts.runningJobsOf.all(workerId) as unknown as JobRow[]) {
          const outcome = this.loseJob(job, `Worker ${workerId} stopped sending heartbeats (offline after ${offlineAfterSeconds} s); the job was lost.`, now);
          report[outcome].push(job.job_id);
        }
        this.#stmts.setWorkerState.run('offline', null, workerId);
        report.offline.push(workerId);
      }
      for (const job of this.#stmts.overdueJobs.all(TIMEOUT_GRACE_MS, now) as unknown as JobRow[]) {
        this.end(job, 'failed', null, `timed out after ${job.timeout_seconds} s (worker ${job.worker_id} did not report a result)`, now, 'coordinator');
        if (job.worker_id) this.#stmts.setWorkerState.run('idle', null, job.worker_id);
        report.timedOut.push(job.job_id);
      }
    });
    for (const id of report.offline) this.#events.emit('worker', id);
    for (const id of [...report.requeued, ...report.failed, ...report.cancelled, ...report.timedOut]) this.#events.emit('job', id);
    if (report.requeued.length > 0) this.#events.emit('work-available');
    return report;
  }

  /** A running job whose worker is gone: cancelled if asked, requeued if attempts are left, else failed. */
  private loseJob(job: JobRow, message: string, now: number): 'cancelled' | 'requeued' | 'failed' {
    if (job.cancel_requested) {
      this.end(job, 'cancelled', null, 'Cancelled by request (the worker was lost before it confirmed).', now, 'coordinator');
      return 'cancelled';
    }
    if (job.attempts < job.max_attempts) {
      this.requeue(job, false);
      return 'requeued';
    }
    this.end(job, 'failed', null, message, now, 'coordinator');
    return 'failed';
  }

  /** The one guard on the job state machine: an illegal transition is a bug, never written. */
  private move(job: JobRow, to: JobStatus): void {
    if (!canTransition(job.status, to)) throw new Error(`Illegal job transition ${job.status} -> ${to} for ${job.job_id}`);
  }

  private end(job: JobRow, status: JobStatus, exitCode: number | null, errorMessage: string | null, now: number, endedBy: 'worker' | 'coordinator', commandStartedAt: number | null = null): void {
    this.move(job, status);
    this.#stmts.endJob.run(status, exitCode, errorMessage, now, endedBy, commandStartedAt, job.seq);
  }

  /** Back to the queue; `refundAttempt` when the worker never received the job. */
  private requeue(job: JobRow, refundAttempt: boolean): void {
    this.move(job, 'pending');
    this.#stmts.requeueJob.run(refundAttempt ? 1 : 0, job.seq);
  }

  private jobRow(jobId: string): JobRow | undefined {
    return this.#stmts.jobById.get(jobId) as unknown as JobRow | undefined;
  }

  private toJobDto(row: JobRow, withOutput: boolean): JobDto {
    return {
      jobId: row.job_id,
      status: row.status,
      workerId: row.worker_id,
      command: row.command,
      filename: row.filename,
      fileUrl: row.file_url,
      stdout: withOutput ? this.output(row.seq, 'stdout') : '',
      stderr: withOutput ? this.output(row.seq, 'stderr') : '',
      exitCode: row.exit_code,
      errorMessage: row.error_message,
      createdAt: row.created_at,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      timeoutSeconds: row.timeout_seconds,
      maxAttempts: row.max_attempts,
      attempts: row.attempts,
      cancelRequested: row.cancel_requested === 1,
      commandStartedAt: row.command_started_at,
    };
  }
}

function toWorkerDto(row: WorkerRow): WorkerDto {
  return {
    workerId: row.worker_id,
    hostname: row.hostname,
    os: row.os,
    cpuCount: row.cpu_count,
    status: row.status,
    lastHeartbeat: row.last_heartbeat,
    version: row.version,
    currentJobId: row.current_job_id,
    registeredAt: row.registered_at,
    paused: row.paused === 1,
  };
}

/** The longest prefix of `text` that fits in `bytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  const buf = Buffer.from(text);
  if (buf.length <= bytes) return text;
  let end = bytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString();
}
