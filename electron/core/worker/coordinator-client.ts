/**
 * Typed HTTP client a worker uses to talk to its coordinator. The worker token is sent only to the
 * coordinator's own origin: a job whose zip lives on another host never sees it.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { AssignedJobDto, LogChunk, OutputStream } from '../../../shared/api.ts';

/** The coordinator answered with an error status. */
export class CoordinatorError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'CoordinatorError';
    this.status = status;
  }
}

/** The coordinator could not be reached (refused, reset, timed out). */
export class CoordinatorUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoordinatorUnreachable';
  }
}

export interface RegisterInfo {
  workerId: string;
  hostname: string;
  os: string;
  cpuCount: number;
  version: string;
}

export interface ClientOptions {
  server: string;
  fetch?: typeof fetch;
  /** Per-request time limit for short calls. */
  timeoutMs?: number;
}

export class CoordinatorClient {
  readonly server: URL;
  #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions) {
    this.server = new URL(options.server);
    if (this.server.protocol !== 'http:' && this.server.protocol !== 'https:') {
      throw new Error(`--server must be an http:// or https:// address (got ${options.server}).`);
    }
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  set token(token: string | undefined) {
    this.#token = token;
  }

  get token(): string | undefined {
    return this.#token;
  }

  private headers(url: URL, json: boolean, token = this.#token): Record<string, string> {
    const headers: Record<string, string> = {};
    if (json) headers['content-type'] = 'application/json';
    if (token && url.origin === this.server.origin) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  private async request<T>(method: string, path: string, body?: unknown, options: { timeoutMs?: number; token?: string; signal?: AbortSignal } = {}): Promise<{ status: number; body: T }> {
    const url = new URL(path, this.server);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs);
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method,
        headers: this.headers(url, body !== undefined, options.token ?? this.#token),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CoordinatorUnreachable(`${this.server.origin} is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message})`);
    }
    const text = await res.text().catch(() => '');
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    if (res.status >= 400) throw new CoordinatorError(res.status, `${method} ${path} answered ${res.status}: ${parsed?.error ?? res.statusText}`);
    return { status: res.status, body: parsed as T };
  }

  /** Registers with the join token; returns the per-worker token (undefined when auth is off). */
  async register(info: RegisterInfo, joinToken: string | undefined): Promise<{ workerToken?: string; heartbeatIntervalSeconds?: number }> {
    const res = await this.request<{ workerToken?: string; heartbeatIntervalSeconds?: number }>('POST', '/api/workers/register', info, { token: joinToken });
    return res.body;
  }

  async heartbeat(workerId: string, jobId: string | null, paused = false, restarted = false): Promise<{ cancelJobIds: string[] }> {
    const res = await this.request<{ cancelJobIds?: string[] }>('POST', '/api/workers/heartbeat', { workerId, jobId, paused, ...(restarted ? { restarted } : {}) });
    return { cancelJobIds: res.body.cancelJobIds ?? [] };
  }

  /** Long poll: a job, or null when none came within `waitSeconds`. */
  async getJob(workerId: string, waitSeconds: number, signal?: AbortSignal): Promise<AssignedJobDto | null> {
    const res = await this.request<{ job: AssignedJobDto | null }>('GET', `/api/jobs/get-job?workerId=${encodeURIComponent(workerId)}&wait=${waitSeconds}`, undefined, {
      timeoutMs: waitSeconds * 1000 + this.#timeoutMs,
      signal,
    });
    return res.status === 200 ? res.body.job : null;
  }

  async sendLogs(jobId: string, workerId: string, chunks: LogChunk[]): Promise<{ cancel: boolean; next: Record<OutputStream, number> }> {
    const res = await this.request<{ cancel: boolean; next: Record<OutputStream, number> }>('POST', '/api/jobs/logs', { jobId, workerId, chunks }, { timeoutMs: 60_000 });
    return res.body;
  }

  async submitResult(jobId: string, workerId: string, exitCode: number): Promise<void> {
    await this.request('POST', '/api/jobs/submit-result', { jobId, workerId, exitCode });
  }

  async reportFailure(jobId: string, workerId: string, errorMessage: string): Promise<void> {
    await this.request('PUT', '/api/jobs/submit-result', { jobId, workerId, errorMessage });
  }

  /**
   * Streams `fileUrl` (relative to the coordinator, or absolute) to `dest`, at most `maxBytes`.
   * The token goes only to the coordinator's origin; another host gets a plain request.
   */
  async download(fileUrl: string, dest: string, maxBytes: number, signal?: AbortSignal): Promise<number> {
    const url = new URL(fileUrl, this.server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The job's fileUrl uses ${url.protocol}, which a worker does not fetch; use http(s).`);
    const ownOrigin = url.origin === this.server.origin;
    let res: Response;
    try {
      res = await this.#fetch(url, {
        headers: this.headers(url, false),
        // Our coordinator never redirects; another host may, and then without our token.
        redirect: ownOrigin ? 'error' : 'follow',
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(3_600_000)]) : AbortSignal.timeout(3_600_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new Error(`Could not download the project zip from ${url.origin}${url.pathname} (${cause?.code ?? (error as Error).message}).`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`Could not download the project zip: ${url.origin}${url.pathname} answered ${res.status}.`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body.cancel();
      throw new Error(`The project zip is ${(declared / 1024 ** 2).toFixed(1)} MB; this worker accepts at most ${Math.round(maxBytes / 1024 ** 2)} MB (--max-extract-mb).`);
    }
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > maxBytes) return done(new Error(`The project zip is larger than ${Math.round(maxBytes / 1024 ** 2)} MB (--max-extract-mb); download stopped.`));
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), limit, createWriteStream(dest));
    } catch (error) {
      await rm(dest, { force: true });
      throw error;
    }
    return received;
  }
}
