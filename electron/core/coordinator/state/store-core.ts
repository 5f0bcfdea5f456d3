/**
 * What the store's parts share: the database, the repositories, the clock and the event bus, plus the
 * two steps every change ends with: apply a lifecycle decision, then announce what was committed.
 */
import type { CoordinatorEvents } from '../live/events.ts';
import { Database } from './database.ts';
import { assertLegal, type Transition } from '../jobs/lifecycle.ts';
import { JobRepository, type JobRecord } from './repositories/jobs.ts';
import { JoinTokenRepository } from './repositories/join-tokens.ts';
import { LogRepository } from './repositories/log.ts';
import { RunRepository } from './repositories/runs.ts';
import { PolicyRepository } from './repositories/policies.ts';
import { namesakeFindings, toWorkerDto, type WorkerRecord } from './repositories/workers.ts';
import type { WorkerDto } from '../../../../shared/api.ts';
import { recordRunResult } from '../runs/run-results.ts';
import { WorkerRepository } from './repositories/workers.ts';

export class StoreCore {
  readonly db: Database;
  readonly events: CoordinatorEvents;
  readonly now: () => number;
  readonly workers: WorkerRepository;
  readonly jobs: JobRepository;
  readonly log: LogRepository;
  readonly joinTokens: JoinTokenRepository;
  readonly runs: RunRepository;
  readonly policies: PolicyRepository;
  /** A run's job ended: the run's next job may be allowed now (maxParallel), so waiting workers are asked again. */
  #runJobEnded = false;
  /** When each worker last made any request (kept in memory: it changes with every request). */
  readonly #lastSeen = new Map<string, number>();

  constructor(options: { file: string; events: CoordinatorEvents; now?: () => number; maxOutputBytes?: number }) {
    this.db = new Database(options.file);
    this.events = options.events;
    this.now = options.now ?? Date.now;
    this.workers = new WorkerRepository(this.db);
    this.jobs = new JobRepository(this.db);
    this.log = new LogRepository(this.db, options.maxOutputBytes ?? 16 * 1024 * 1024);
    this.joinTokens = new JoinTokenRepository(this.db);
    this.runs = new RunRepository(this.db);
    this.policies = new PolicyRepository(this.db);
  }

  /** A worker as the API shows it, with the policy it follows and what its namesakes say about it. */
  workerDto(worker: WorkerRecord): WorkerDto {
    const { replaces, warning } = namesakeFindings(worker, this.workers.withHostname(worker.hostname));
    return toWorkerDto(worker, this.policies.effective(worker.workerId, worker.tags), replaces, warning);
  }

  seen(workerId: string, at: number): void {
    this.#lastSeen.set(workerId, at);
  }

  /** The last moment a worker was heard from: any request, or its last heartbeat. */
  lastSignOfLife(workerId: string): number {
    return Math.max(this.#lastSeen.get(workerId) ?? 0, this.workers.get(workerId)?.lastHeartbeat ?? 0);
  }

  /** Writes a lifecycle decision; the lifecycle's guard refuses an illegal one before anything is written. */
  apply(job: JobRecord, transition: Transition, now: number, commandStartedAt: number | null = null): void {
    assertLegal(job, transition);
    switch (transition.kind) {
      case 'start':
        this.jobs.start(job, transition.workerId, now);
        this.workers.setState(transition.workerId, 'busy', job.jobId);
        return;
      case 'end':
        this.jobs.end(job, transition, now, commandStartedAt);
        if (job.runId) {
          recordRunResult(this, job);
          this.#runJobEnded = true;
        }
        return;
      case 'requeue':
        return this.jobs.requeue(job, transition.refundAttempt);
      case 'request-cancel':
        return this.jobs.requestCancel(job);
    }
  }

  /** Tells listeners what was committed: jobs and workers that changed, and whether work became available. */
  announce(workerIds: string[], jobIds: string[], workAvailable: boolean): void {
    const wake = workAvailable || this.#runJobEnded;
    this.#runJobEnded = false; // before emitting: a listener's own change announces again
    for (const id of jobIds) this.events.emit('job', id);
    for (const id of workerIds) this.events.emit('worker', id);
    if (wake) this.events.emit('work-available');
  }
}
