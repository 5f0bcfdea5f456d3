/** The one HTTP client of the renderer for the coordinator's API (the WebSocket: live-connection.ts; a local worker: local-worker-source.ts). */
import {
  LIMITS,
  type DirectRunEvent,
  type JobDto,
  type JobTarget,
  type LogPage,
  type RunDto,
  type RunMode,
  type RunStatusDto,
  type WorkerDto,
} from '../../shared/api.ts';
import type { WorkerPolicy } from '../../shared/policy.ts';
import type { JobCounts, JobOutcome, JobStatus } from '../../shared/job-status.ts';
import { ApiError, readError } from './api-error.ts';
import { LiveConnection, type LiveHandlers } from './live-connection.ts';
import { parseJson, sendForm } from './upload.ts';

export { ApiError } from './api-error.ts';
export { LiveConnection, type LiveHandlers } from './live-connection.ts';
export { LocalWorkerSource, type WorkerSource } from './local-worker-source.ts';

export interface JoinTokenPolicy {
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
}

/** One address's join lines: with the join token (joins at once) and without (the PC asks; the admin approves). */
export interface JoinLines {
  address: string;
  withToken: string;
  withoutToken: string;
}

export interface CoordinatorInfo {
  version: string;
  auth: boolean;
  tls: boolean;
  /** SHA-256 of the certificate, 64 lowercase hex; null when the coordinator runs without TLS. */
  fingerprint: string | null;
  addresses: string[];
  joinToken: string | null;
  joinTokenPolicy: JoinTokenPolicy | null;
  joinLines: JoinLines[];
  waitingToJoin: number;
  /** The largest zip POST /api/execute accepts (--max-upload-mb), so the page can refuse a bigger one before sending it. */
  maxUploadBytes: number;
}

/** A PC waiting for the admin to let it join. */
export interface JoinRequest {
  requestId: string;
  workerId: string;
  hostname: string;
  os: string | null;
  address: string;
  pairingCode: string;
  createdAt: number;
  /** Why approving it would be a mistake (an id already registered, or claimed twice). */
  conflict: string | null;
}

/** Many asks to join in the last minute: shown as one line, with only the PCs still asking listed. */
export interface JoinFlood {
  requests: number;
  addresses: number;
  windowSeconds: number;
  /** Waiting requests not listed: their PCs stopped asking for an answer. */
  hidden: number;
}

/** Which waiting requests an approve or refuse is about. */
export type JoinDecision = { requestIds: string[] } | { all: true };

export interface JobPage {
  jobs: JobDto[];
  total: number;
  nextBefore: string | null;
}

export interface RunPage {
  runs: RunDto[];
  total: number;
  nextBefore: string | null;
}

/** What a new run asks for (POST /api/runs/create); the zips go with it as files, or one already uploaded by its fileUrl. */
export interface RunRequest {
  mode: RunMode;
  commands: string;
  target?: JobTarget;
  timeoutSeconds?: number;
  maxAttempts?: number;
  maxParallel?: number;
  deadlineSeconds?: number;
  scorePattern?: string;
  fileUrl?: string;
  filename?: string;
}

/** One job from a zip the coordinator already has (POST /api/jobs/create). */
export interface JobRequest {
  command: string;
  fileUrl: string;
  filename: string;
  timeoutSeconds?: number;
  maxAttempts?: number;
  target?: JobTarget;
}

/** How the commands of an upload run: the limits, and for a job sent to a worker, which workers may take it. */
export interface SubmitOptions {
  mode?: 'distributed' | 'direct';
  timeoutSeconds?: number;
  maxAttempts?: number;
  target?: JobTarget;
  onEvent?: (event: DirectRunEvent) => void;
  /** A direct run's job id, as soon as the coordinator answers (before its output). */
  onJobId?: (jobId: string) => void;
}

export interface RunCreated {
  runId: string;
  jobIds: string[];
  count: number;
}

/** A download that needs the Authorization header, and the file name the coordinator suggests. */
export interface Download {
  blob: Blob;
  fileName: string;
}

/** The lab's policy and its overrides (GET /api/workers/policy). */
export interface LabPolicies {
  lab: WorkerPolicy;
  tags: Record<string, WorkerPolicy>;
  workers: Record<string, WorkerPolicy>;
}

/** Whom a policy is for: one worker, the workers with a tag, or (neither) the whole lab. */
export interface PolicyScope {
  workerId?: string;
  tag?: string;
}

export class CoordinatorApi {
  readonly base: string;
  readonly token: string | null;

  constructor(base: string, token: string | null) {
    this.base = base.replace(/\/$/, '');
    this.token = token;
  }

  private headers(json = false): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (json) h['content-type'] = 'application/json';
    return h;
  }

  private async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { headers: this.headers() });
    } catch {
      throw new ApiError(0, 'The coordinator cannot be reached; check that it is running.');
    }
    if (!res.ok) throw await readError(res);
    return (await res.json()) as T;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { method: 'POST', headers: this.headers(true), body: JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'The coordinator cannot be reached; check that it is running.');
    }
    if (!res.ok) throw await readError(res);
    return (await res.json()) as T;
  }

  /** Checks the token: resolves with the coordinator's details, or throws ApiError 401/403. */
  info(): Promise<CoordinatorInfo> {
    return this.get('/api/coordinator/info');
  }

  workers(): Promise<{ workers: WorkerDto[] }> {
    return this.get('/api/workers/register');
  }

  joinRequests(): Promise<{ requests: JoinRequest[]; count: number; waiting?: number; flood?: JoinFlood | null }> {
    return this.get('/api/workers/join-requests');
  }

  approveJoin(decision: JoinDecision): Promise<{ approved: string[]; count: number }> {
    return this.post('/api/workers/join-requests/approve', decision);
  }

  refuseJoin(decision: JoinDecision): Promise<{ refused: string[]; count: number }> {
    return this.post('/api/workers/join-requests/refuse', decision);
  }

  /** The worker's token stops working at once; its row stays. */
  revokeWorker(workerId: string): Promise<{ message: string }> {
    return this.post('/api/workers/revoke', { workerId });
  }

  /** A new join token (the old one stops working at once), optionally for a number of PCs or until a time. */
  rotateJoinToken(policy: {
    maxUses: number | null;
    expiresAt: number | null;
  }): Promise<{ joinToken: string; maxUses: number | null; expiresAt: number | null }> {
    return this.post('/api/join-token/rotate', policy);
  }

  /** The job without its output (a page never needs a 100 MB string: the log view reads pages of the log). */
  job(jobId: string): Promise<JobDto> {
    return this.get(`/api/jobs/status?jobId=${encodeURIComponent(jobId)}&output=false`);
  }

  /** A page of jobs, newest first: all, one status, or one outcome (failed: every job that ended without passing). */
  jobs(filter: { status?: JobStatus; outcome?: JobOutcome }, before: string | null, limit: number = LIMITS.jobsPageSize): Promise<JobPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (filter.status) q.set('status', filter.status);
    if (filter.outcome) q.set('outcome', filter.outcome);
    if (before) q.set('before', before);
    return this.get(`/api/jobs/create?${q}`);
  }

  jobCounts(): Promise<JobCounts> {
    return this.get('/api/jobs/counts');
  }

  createJob(request: JobRequest): Promise<{ jobId: string }> {
    return this.post('/api/jobs/create', request);
  }

  /** The zip the coordinator keeps for a job, as a file to send again (a direct run takes an upload, not a fileUrl). */
  async uploadedZip(fileUrl: string, filename: string): Promise<File> {
    const res = await this.fetch(fileUrl, 'read the zip again');
    return new File([await res.blob()], filename, { type: 'application/zip' });
  }

  /**
   * A page of a job's log: chunks after `after` (forwards), or the newest before `before` (`'end'`: the
   * log's tail), ascending either way.
   */
  log(jobId: string, from: { after: number } | { before: number | 'end' }, limit: number = LIMITS.logPageChunks): Promise<LogPage> {
    const q = new URLSearchParams({ jobId, limit: String(limit) });
    if ('after' in from) q.set('after', String(from.after));
    else q.set('before', String(from.before));
    return this.get(`/api/jobs/log?${q}`);
  }

  /** The whole log as text, and the file name the coordinator suggests for it. */
  downloadLog(jobId: string): Promise<Download> {
    return this.download(`/api/jobs/log?${new URLSearchParams({ jobId, format: 'text' })}`, `${jobId}.log`, 'the log');
  }

  /** The start of a job's log as text: at most `maxBytes`, the rest of the stream left unread. */
  async logText(jobId: string, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
    const res = await this.fetch(`/api/jobs/log?${new URLSearchParams({ jobId, format: 'text' })}`, 'read the output');
    const reader = res.body?.getReader();
    if (!reader) return { text: '', truncated: false };
    const parts: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
      if (size > maxBytes) {
        truncated = true;
        await reader.cancel();
        break;
      }
    }
    const bytes = new Uint8Array(Math.min(size, maxBytes));
    let at = 0;
    for (const part of parts) {
      const take = part.subarray(0, bytes.length - at);
      bytes.set(take, at);
      at += take.byteLength;
    }
    // A character cut at the limit decodes as U+FFFD: harmless in a preview.
    return { text: new TextDecoder().decode(bytes), truncated };
  }

  private async fetch(path: string, what: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { headers: this.headers() });
    } catch {
      throw new ApiError(0, `The coordinator cannot be reached to ${what}; check that it is running and try again.`);
    }
    if (!res.ok) throw await readError(res);
    return res;
  }

  private async download(path: string, fallbackName: string, what: string): Promise<Download> {
    const res = await this.fetch(path, `download ${what}`);
    const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
    return { blob: await res.blob(), fileName: named?.[1] ?? fallbackName };
  }

  cancel(jobId: string): Promise<{ status: string; message: string }> {
    return this.post('/api/jobs/cancel', { jobId });
  }

  /** The name the dashboard shows for it (null: its hostname again). */
  renameWorker(workerId: string, name: string | null): Promise<{ worker: WorkerDto }> {
    return this.post('/api/workers/rename', { workerId, name });
  }

  /** A paused worker finishes its job and takes no other until resumed here. */
  pauseWorker(workerId: string, paused: boolean): Promise<{ worker: WorkerDto }> {
    return this.post('/api/workers/pause', { workerId, paused });
  }

  /** Removes an offline worker (409 with a sentence while it is online); jobs waiting for it alone fail. */
  forgetWorker(workerId: string): Promise<{ failedJobs: string[] }> {
    return this.post('/api/workers/forget', { workerId });
  }

  /** A re-installed PC takes over an offline worker's name, tags and waiting jobs. */
  replaceWorker(workerId: string, replaces: string): Promise<{ worker: WorkerDto }> {
    return this.post('/api/workers/replace', { workerId, replaces });
  }

  /** Labels jobs and runs can target; the worker's own --tags replace them when it registers again. */
  setWorkerTags(workerId: string, tags: string[]): Promise<{ success: boolean; worker: WorkerDto }> {
    return this.post('/api/workers/tags', { workerId, tags });
  }

  policies(): Promise<LabPolicies> {
    return this.get('/api/workers/policy');
  }

  /** Sets the policy of the lab, a tag or a worker; a 400 carries the coordinator's sentence (e.g. a schedule it cannot read). */
  setPolicy(scope: PolicyScope, policy: Partial<WorkerPolicy> & Pick<WorkerPolicy, 'when'>): Promise<{ success: boolean; scope: string }> {
    return this.post('/api/workers/policy', { ...scope, ...policy });
  }

  /** Removes a tag's or a worker's own policy: it follows the next one (its tag's, else the lab's). */
  clearPolicy(scope: PolicyScope): Promise<{ success: boolean; scope: string }> {
    return this.post('/api/workers/policy', { ...scope, clear: true });
  }

  /** One job's result files as a zip, or with `path` one file of them. */
  downloadArtifacts(jobId: string, path?: string): Promise<Download> {
    const q = new URLSearchParams({ jobId });
    if (path !== undefined) q.set('path', path);
    const fallback = path !== undefined ? (path.split('/').pop() ?? 'file') : `${jobId}-artifacts.zip`;
    return this.download(`/api/jobs/artifacts?${q}`, fallback, 'the result files');
  }

  /** Every job's result files of a run in one zip, a folder per PC or zip. */
  downloadRunArtifacts(runId: string): Promise<Download> {
    return this.download(`/api/runs/artifacts?${new URLSearchParams({ runId })}`, `${runId}-artifacts.zip`, 'the result files');
  }

  runs(before: string | null, limit: number = LIMITS.jobsPageSize): Promise<RunPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before) q.set('before', before);
    return this.get(`/api/runs/create?${q}`);
  }

  run(runId: string): Promise<RunStatusDto> {
    return this.get(`/api/runs/status?runId=${encodeURIComponent(runId)}`);
  }

  /** JSON without zips; with zips a multipart form (the zips as `file` parts), reporting upload progress. */
  async createRun(request: RunRequest, files: File[], onProgress: (fraction: number) => void): Promise<RunCreated> {
    if (files.length === 0) return this.post('/api/runs/create', request);
    const form = new FormData();
    // Multipart fields are text: the target as JSON, numbers as digits.
    for (const [name, value] of Object.entries(request) as [string, unknown][]) {
      if (value !== undefined) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    for (const file of files) form.append('file', file, file.name);
    const res = await sendForm(`${this.base}/api/runs/create`, this.token, form, { onProgress });
    const body = parseJson<RunCreated & { error: string }>(res.text);
    if (res.status === 200 && body.runId) return body as RunCreated;
    throw new ApiError(res.status, body.error ?? `The upload failed (${res.status}).`);
  }

  /** Pending jobs stop at once; running ones when their workers confirm. */
  cancelRun(runId: string): Promise<{ cancelled: number; cancelling: number }> {
    return this.post('/api/runs/cancel', { runId });
  }

  rerunRun(runId: string, only: 'failed' | 'all'): Promise<RunCreated> {
    return this.post('/api/runs/rerun', { runId, only });
  }

  exportRun(runId: string, format: 'csv' | 'json'): Promise<Download> {
    return this.download(`/api/runs/export?${new URLSearchParams({ runId, format })}`, `${runId}.${format}`, 'the results');
  }

  /**
   * Uploads a zip with progress. Distributed mode resolves with the new job's id; direct mode streams
   * the run's events to `onEvent` as they come.
   */
  async submit(file: File, commands: string, onProgress: (fraction: number) => void, options: SubmitOptions = {}): Promise<{ jobId?: string }> {
    const mode = options.mode ?? 'distributed';
    const form = new FormData();
    form.append('commands', commands);
    form.append('mode', mode);
    if (options.timeoutSeconds !== undefined) form.append('timeoutSeconds', String(options.timeoutSeconds));
    if (options.maxAttempts !== undefined && mode === 'distributed') form.append('maxAttempts', String(options.maxAttempts));
    if (options.target && mode === 'distributed') form.append('target', JSON.stringify(options.target));
    form.append('file', file, file.name);
    let seen = 0;
    const readEvents = (text: string, status: number) => {
      if (mode !== 'direct' || status !== 200) return;
      const end = text.lastIndexOf('\n\n');
      if (end < seen) return;
      for (const block of text.slice(seen, end).split('\n\n')) {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || !data) continue;
        const parsed: unknown = JSON.parse(data);
        options.onEvent?.({ event, data: parsed } as DirectRunEvent); // the coordinator's own events (direct-run.ts)
      }
      seen = end + 2;
    };
    const onHeaders = (header: (name: string) => string | null, status: number) => {
      const jobId = header('x-exec-id');
      if (status === 200 && jobId) options.onJobId?.(jobId);
    };
    const res = await sendForm(`${this.base}/api/execute`, this.token, form, { onProgress, onResponseText: readEvents, onHeaders });
    if (res.status === 200 && mode === 'direct') {
      readEvents(res.text, res.status);
      return {};
    }
    const body = parseJson<{ jobId: string; error: string }>(res.text);
    if (res.status === 200 && body.jobId) return { jobId: body.jobId };
    throw new ApiError(res.status, body.error ?? `The upload failed (${res.status}).`);
  }

  /** Opens the live feed; reconnects by itself (with backoff) until `close()`. */
  live(handlers: LiveHandlers): LiveConnection {
    return new LiveConnection(this.base, this.token, handlers);
  }
}
