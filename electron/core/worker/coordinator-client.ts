/**
 * The calls a worker makes to its coordinator, typed by the schemas the coordinator validates them
 * with (types only: the worker never loads zod). The transport beneath (coordinator-transport.ts) does
 * the pinning, the keep-alive sockets and the errors.
 */
import { statSync } from 'node:fs';
import type { z } from 'zod';
import type { AssignedJobDto, LogChunk } from '../../../shared/api.ts';
import type { failureBody, heartbeatBody, joinRequestBody, logBody, registerBody, submitResultBody } from '../../../shared/api-schemas.ts';
import type { WorkerPolicy } from '../../../shared/policy.ts';
import { CoordinatorError, CoordinatorUnreachable } from './coordinator-errors.ts';
import { CoordinatorTransport, type ClientOptions } from './coordinator-transport.ts';

export { CoordinatorError, CoordinatorUnreachable, type ClientOptions };

/** What a worker says about itself when it registers (the coordinator validates it with this schema). */
export type RegisterInfo = z.input<typeof registerBody>;

export class CoordinatorClient extends CoordinatorTransport {
  async register(info: RegisterInfo, joinToken: string | undefined): Promise<{ workerToken?: string; heartbeatIntervalSeconds?: number }> {
    const res = await this.request<{ workerToken?: string; heartbeatIntervalSeconds?: number }>('POST', '/api/workers/register', info, { token: joinToken });
    return res.body;
  }

  /** Asks to join without a token; the admin approves it on the dashboard. */
  async askToJoin(info: RegisterInfo, key: string): Promise<{ requestId: string; pairingCode: string }> {
    const body: z.input<typeof joinRequestBody> = { ...info, key };
    const res = await this.request<{ requestId: string; pairingCode: string }>('POST', '/api/workers/join-requests', body, { token: '' });
    return res.body;
  }

  /** The admin's answer so far; an approved answer carries the worker token, once. */
  async joinStatus(requestId: string, secret: string): Promise<{ status: 'pending' | 'approved' | 'refused'; workerToken?: string }> {
    const query = new URLSearchParams({ requestId, secret });
    const res = await this.request<{ status: 'pending' | 'approved' | 'refused'; workerToken?: string }>(
      'GET',
      `/api/workers/join-requests/status?${query.toString()}`,
      undefined,
      { token: '' },
    );
    return res.body;
  }

  async heartbeat(
    workerId: string,
    jobId: string | null,
    paused = false,
    restarted = false,
    warnings?: string[],
    availability?: { available: boolean; reason: string | null },
  ): Promise<{ cancelJobIds: string[]; policy?: WorkerPolicy }> {
    const body: z.input<typeof heartbeatBody> = {
      workerId,
      jobId,
      paused,
      ...(restarted ? { restarted } : {}),
      ...(warnings ? { warnings } : {}),
      ...(availability ? { available: availability.available, reason: availability.reason } : {}),
    };
    const res = await this.request<{ cancelJobIds?: string[]; policy?: WorkerPolicy }>('POST', '/api/workers/heartbeat', body);
    return { cancelJobIds: res.body.cancelJobIds ?? [], policy: res.body.policy };
  }

  /** This worker stops: the coordinator shows it offline at once. */
  async goodbye(workerId: string): Promise<void> {
    await this.request('POST', '/api/workers/goodbye', { workerId }, { timeoutMs: 2000 });
  }

  /** Long poll: a job, or null when none came within `waitSeconds`. */
  async getJob(workerId: string, waitSeconds: number, signal?: AbortSignal): Promise<AssignedJobDto | null> {
    const res = await this.request<{ job: AssignedJobDto | null }>(
      'GET',
      `/api/jobs/get-job?workerId=${encodeURIComponent(workerId)}&wait=${waitSeconds}`,
      undefined,
      {
        timeoutMs: waitSeconds * 1000 + this.timeoutMs,
        signal,
      },
    );
    return res.status === 200 ? res.body.job : null;
  }

  async sendLogs(jobId: string, workerId: string, chunks: LogChunk[]): Promise<{ cancel: boolean; next: number }> {
    const body: z.input<typeof logBody> = { jobId, workerId, chunks };
    const res = await this.request<{ cancel: boolean; next: number }>('POST', '/api/jobs/logs', body, { timeoutMs: 60_000 });
    return res.body;
  }

  /** Long poll while a job runs: answers `cancel: true` as soon as the job is to stop, else `false` after `waitSeconds`. */
  async waitForControl(jobId: string, workerId: string, waitSeconds: number, signal?: AbortSignal): Promise<{ cancel: boolean }> {
    const query = new URLSearchParams({ jobId, workerId, wait: String(waitSeconds) });
    const res = await this.request<{ cancel: boolean }>('GET', `/api/jobs/control?${query.toString()}`, undefined, {
      timeoutMs: waitSeconds * 1000 + this.timeoutMs,
      signal,
    });
    return { cancel: res.body.cancel === true };
  }

  /** Uploads a job's result files (a zip in the outbox), streamed from disk. */
  async uploadArtifacts(jobId: string, workerId: string, zipPath: string): Promise<void> {
    const query = new URLSearchParams({ jobId, workerId });
    await this.request('POST', `/api/jobs/artifacts?${query.toString()}`, undefined, {
      file: { path: zipPath, size: statSync(zipPath).size },
      timeoutMs: 300_000,
    });
  }

  async submitResult(jobId: string, workerId: string, exitCode: number, commandStartedAt?: number): Promise<void> {
    const body: z.input<typeof submitResultBody> = { jobId, workerId, exitCode, commandStartedAt };
    await this.request('POST', '/api/jobs/submit-result', body);
  }

  async reportFailure(
    jobId: string,
    workerId: string,
    errorMessage: string,
    commandStartedAt?: number,
    endReason?: z.input<typeof failureBody>['endReason'],
  ): Promise<void> {
    const body: z.input<typeof failureBody> = { jobId, workerId, errorMessage, commandStartedAt, endReason };
    await this.request('PUT', '/api/jobs/submit-result', body);
  }

  /**
   * Streams `fileUrl` (relative to the coordinator, or absolute) to `dest`, at most `maxBytes`.
   * The token goes only to the coordinator's origin; another host gets a plain request, and its
   * redirects are followed (up to 5), never with the token. Our coordinator never redirects.
   */
}
