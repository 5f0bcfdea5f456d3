/**
 * The calls a worker makes to its coordinator, each an operation of the endpoint table: bodies typed by
 * the table and answers checked against it (shared/api-client.ts). The transport beneath
 * (coordinator-transport.ts) does the pinning, the keep-alive sockets and the errors.
 */
import { statSync } from 'node:fs';
import type { z } from 'zod';
import type { AssignedJobDto, LogChunk } from '../../../shared/api.ts';
import { callApi, type CallInput } from '../../../shared/api-client.ts';
import type { failureBody, heartbeatBody, registerBody } from '../../../shared/api-schemas.ts';
import type { PowerOrder, WakeOrder } from '../../../shared/power-schema.ts';
import type { AnswerOf, OperationId } from '../../../shared/endpoints/index.ts';
import type { WorkerPolicy } from '../../../shared/policy.ts';
import { CoordinatorError, CoordinatorUnreachable } from './coordinator-errors.ts';
import { CoordinatorTransport, type ClientOptions, type RequestOptions } from './coordinator-transport.ts';

export { CoordinatorError, CoordinatorUnreachable, type ClientOptions };

/** What a worker says about itself when it registers (the coordinator validates it with this schema). */
export type RegisterInfo = z.input<typeof registerBody>;

/** What a heartbeat says (see heartbeatBody). */
export type HeartbeatInfo = z.input<typeof heartbeatBody>;

/** What the coordinator wants done, riding on a heartbeat's or a long poll's answer: magic packets to relay, a power action. */
export interface Orders {
  wake?: WakeOrder[];
  power?: PowerOrder;
}

export interface HeartbeatAnswer extends Orders {
  cancelJobIds: string[];
  policy?: WorkerPolicy;
  /** The coordinator's clock when it answered, and the key its tickets for peers are signed with. */
  timestamp?: number;
  ticketKey?: string;
}

/** Where to fetch a job's zip from (see the endpoint table's postJobsZipSource). */
export type ZipSourceAnswer = AnswerOf<'postJobsZipSource'>;

/** A heartbeat's deadline when there is another coordinator to move to. */
const CAMPUS_BEAT_DEADLINE_MS = 5000;

export class CoordinatorClient extends CoordinatorTransport {
  private call<K extends OperationId>(operation: K, input: CallInput<K>, options?: RequestOptions): Promise<AnswerOf<K>> {
    return callApi((request, o) => this.request(request.method.toUpperCase(), request.path, request.body, o), operation, input, options);
  }

  async register(info: RegisterInfo, joinToken: string | undefined): Promise<{ workerToken?: string; heartbeatIntervalSeconds?: number }> {
    return this.call('postWorkersRegister', { body: info }, { token: joinToken });
  }

  /** Asks to join without a token; the admin approves it on the dashboard. */
  async askToJoin(info: RegisterInfo, key: string): Promise<{ requestId: string; pairingCode: string }> {
    return this.call('postWorkersJoinRequests', { body: { ...info, key } }, { token: '' });
  }

  /** The admin's answer so far; an approved answer carries the worker token, once. */
  async joinStatus(requestId: string, secret: string): Promise<{ status: 'pending' | 'approved' | 'refused'; workerToken?: string }> {
    return this.call('getWorkersJoinRequestsStatus', { query: { requestId, secret } }, { token: '' });
  }

  async heartbeat(beat: HeartbeatInfo): Promise<HeartbeatAnswer> {
    // In a campus, a coordinator that went silent is noticed by the next beat within 5 s, and the worker moves on.
    const answer = await this.call('postWorkersHeartbeat', { body: beat }, this.campus.several ? { timeoutMs: CAMPUS_BEAT_DEADLINE_MS } : undefined);
    return {
      cancelJobIds: answer.cancelJobIds,
      policy: answer.policy,
      wake: answer.wake,
      power: answer.power,
      timestamp: answer.timestamp,
      ticketKey: answer.ticketKey,
    };
  }

  /** Where to fetch a zip of the job this worker runs now: the coordinator, or a peer with a ticket. */
  async zipSource(workerId: string, jobId: string, fileUrl: string): Promise<ZipSourceAnswer> {
    return this.call('postJobsZipSource', { body: { workerId, jobId, fileUrl } }, { timeoutMs: 10_000 });
  }

  /** This worker stops: the coordinator shows it offline at once. */
  async goodbye(workerId: string, poweringOff = false): Promise<void> {
    await this.call('postWorkersGoodbye', { body: { workerId, ...(poweringOff ? { poweringOff } : {}) } }, { timeoutMs: 2000 });
  }

  /** Long poll: a job, or null when none came within `waitSeconds` (or something else for this worker ended the wait: `orders`). */
  async getJob(workerId: string, waitSeconds: number, signal?: AbortSignal): Promise<{ job: AssignedJobDto | null; orders: Orders }> {
    const answer = await this.call('getJobsGetJob', { query: { workerId, wait: waitSeconds } }, { timeoutMs: waitSeconds * 1000 + this.timeoutMs, signal });
    return answer.success ? { job: answer.job, orders: {} } : { job: null, orders: { wake: answer.wake, power: answer.power } };
  }

  async sendLogs(jobId: string, workerId: string, chunks: LogChunk[]): Promise<{ cancel: boolean; next: number }> {
    return this.call('postJobsLogs', { body: { jobId, workerId, chunks } }, { timeoutMs: 60_000 });
  }

  /** Long poll while a job runs: answers `cancel: true` as soon as the job is to stop, else `false` after `waitSeconds`. */
  async waitForControl(jobId: string, workerId: string, waitSeconds: number, signal?: AbortSignal): Promise<{ cancel: boolean }> {
    return this.call('getJobsControl', { query: { jobId, workerId, wait: waitSeconds } }, { timeoutMs: waitSeconds * 1000 + this.timeoutMs, signal });
  }

  /** Uploads a job's result files (a zip in the outbox), streamed from disk. */
  async uploadArtifacts(jobId: string, workerId: string, zipPath: string): Promise<void> {
    await this.call('postJobsArtifacts', { query: { jobId, workerId } }, { file: { path: zipPath, size: statSync(zipPath).size }, timeoutMs: 300_000 });
  }

  /** With `takeNext`, the answer may carry this worker's next job (null: none now). */
  async submitResult(jobId: string, workerId: string, exitCode: number, commandStartedAt?: number, takeNext?: boolean): Promise<AssignedJobDto | null> {
    const answer = await this.call('postJobsSubmitResult', { body: { jobId, workerId, exitCode, commandStartedAt, ...(takeNext ? { takeNext } : {}) } });
    return answer.next ?? null;
  }

  async reportFailure(
    jobId: string,
    workerId: string,
    errorMessage: string,
    commandStartedAt?: number,
    endReason?: z.input<typeof failureBody>['endReason'],
    takeNext?: boolean,
  ): Promise<AssignedJobDto | null> {
    const answer = await this.call('putJobsSubmitResult', {
      body: { jobId, workerId, errorMessage, commandStartedAt, endReason, ...(takeNext ? { takeNext } : {}) },
    });
    return answer.next ?? null;
  }
}
