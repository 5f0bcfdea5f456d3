/**
 * The coordinator's durable state: the database, its repositories, the clock and the event bus. The
 * domain modules (jobs/, workers/, runs/, files/) read and change it through these, one transaction at
 * a time, and end each change with announce(); jobs/transitions.ts is the one writer of job transitions.
 */
import type { CoordinatorEvents } from '../live/events.ts';
import type { Database } from './sql.ts';
import { SqliteDatabase } from './sqlite-database.ts';
import { PostgresDatabase } from './postgres/pg-database.ts';
import { JobRepository } from './repositories/jobs.ts';
import { JoinTokenRepository } from './repositories/join-tokens.ts';
import { LogRepository } from './repositories/log.ts';
import { RunRepository } from './repositories/runs.ts';
import { GradeRepository } from './repositories/grades.ts';
import { UploadRepository } from './repositories/uploads.ts';
import { TemplateRepository } from './repositories/templates.ts';
import { ScheduleRepository } from './repositories/schedules.ts';
import { PolicyRepository } from './repositories/policies.ts';
import { namesakeFindings, toWorkerDto, type WorkerRecord } from './repositories/workers.ts';
import type { WorkerDto } from '../../../../shared/api.ts';
import { WorkerRepository } from './repositories/workers.ts';
import { WebhookRepository } from './repositories/webhooks.ts';
import { DeliveryRepository } from './repositories/webhook-deliveries.ts';
import { UserRepository } from './repositories/users.ts';
import { AuditRepository } from './repositories/audit.ts';

export interface StoreOptions {
  /** Path of the database file (`:memory:` for throwaway stores). */
  file: string;
  /** A PostgreSQL URL (postgres://…): the store lives there instead of in `file`, shared with other coordinators. */
  database?: string;
  events: CoordinatorEvents;
  now?: () => number;
  /** Stored output per stream and job; chunks past it are dropped and a marker says so. */
  maxOutputBytes?: number;
}

export class Store {
  readonly db: Database;
  readonly events: CoordinatorEvents;
  readonly now: () => number;
  readonly workers: WorkerRepository;
  readonly jobs: JobRepository;
  readonly log: LogRepository;
  readonly joinTokens: JoinTokenRepository;
  readonly runs: RunRepository;
  readonly policies: PolicyRepository;
  readonly grades: GradeRepository;
  readonly uploads: UploadRepository;
  readonly templates: TemplateRepository;
  readonly schedules: ScheduleRepository;
  readonly webhooks: WebhookRepository;
  readonly deliveries: DeliveryRepository;
  readonly users: UserRepository;
  readonly audit: AuditRepository;
  /** A run's job ended: the run's next job may be allowed now (maxParallel), so waiting workers are asked again. */
  #runJobEnded = false;
  /** Jobs that ended and workers that went offline since the last announce: news for notify/ (webhooks, the desktop). */
  #endedJobs: string[] = [];
  #offlineWorkers: string[] = [];
  /** When each worker last made any request (kept in memory: it changes with every request). */
  readonly #lastSeen = new Map<string, number>();

  constructor(options: StoreOptions) {
    this.db = options.database ? new PostgresDatabase(options.database) : new SqliteDatabase(options.file);
    this.events = options.events;
    this.now = options.now ?? Date.now;
    this.workers = new WorkerRepository(this.db);
    this.jobs = new JobRepository(this.db);
    this.log = new LogRepository(this.db, options.maxOutputBytes ?? 16 * 1024 * 1024);
    this.joinTokens = new JoinTokenRepository(this.db);
    this.runs = new RunRepository(this.db);
    this.policies = new PolicyRepository(this.db);
    this.grades = new GradeRepository(this.db);
    this.uploads = new UploadRepository(this.db);
    this.templates = new TemplateRepository(this.db);
    this.schedules = new ScheduleRepository(this.db);
    this.webhooks = new WebhookRepository(this.db);
    this.deliveries = new DeliveryRepository(this.db);
    this.users = new UserRepository(this.db);
    this.audit = new AuditRepository(this.db);
  }

  /** A worker as the API shows it, with the policy it follows and what its namesakes say about it. */
  workerDto(worker: WorkerRecord): WorkerDto {
    const { replaces, warning } = namesakeFindings(worker, this.workers.withHostname(worker.hostname));
    // Its job on hold (the student at the PC), read from the job it runs.
    const current = worker.currentJobId === null ? undefined : this.jobs.get(worker.currentJobId);
    const suspendedSince = current?.status === 'running' && current.workerId === worker.workerId ? current.suspendedSince : null;
    return toWorkerDto(worker, this.policies.effective(worker.workerId, worker.tags), replaces, warning, suspendedSince);
  }

  get schemaVersion(): number {
    return this.db.schemaVersion;
  }

  /** Whether changes were committed since the last sync(); see group-commit.ts, the one caller of sync(). */
  get unsynced(): boolean {
    return this.db.unsynced;
  }

  /** Makes every committed change survive power loss (one fsync). */
  sync(): void {
    this.db.sync();
  }

  close(): void {
    this.db.close();
  }

  seen(workerId: string, at: number): void {
    this.#lastSeen.set(workerId, at);
  }

  /** The last moment a worker was heard from: any request, or its last heartbeat. */
  lastSignOfLife(workerId: string): number {
    return Math.max(this.#lastSeen.get(workerId) ?? 0, this.workers.get(workerId)?.lastHeartbeat ?? 0);
  }

  /** A run's job ended (jobs/transitions.ts): waiting workers are asked again at the next announce. */
  noteRunJobEnded(): void {
    this.#runJobEnded = true;
  }

  /** A job ended (jobs/transitions.ts): announced as `jobs-ended` with the next announce. */
  noteJobEnded(jobId: string): void {
    this.#endedJobs.push(jobId);
  }

  /** A worker was marked offline (workers/worker-liveness.ts): announced as `workers-offline` with the next announce. */
  noteWorkerOffline(workerId: string): void {
    this.#offlineWorkers.push(workerId);
  }

  /** Tells listeners what was committed: jobs and workers that changed, and whether work became available. */
  announce(workerIds: string[], jobIds: string[], workAvailable: boolean): void {
    const wake = workAvailable || this.#runJobEnded;
    const ended = this.#endedJobs;
    const offline = this.#offlineWorkers;
    // Before emitting: a listener's own change announces again.
    this.#runJobEnded = false;
    this.#endedJobs = [];
    this.#offlineWorkers = [];
    for (const id of jobIds) this.events.emit('job', id);
    for (const id of workerIds) this.events.emit('worker', id);
    if (ended.length) this.events.emit('jobs-ended', ended);
    if (offline.length) this.events.emit('workers-offline', offline);
    if (wake) this.events.emit('work-available');
  }
}
