/** The one HTTP/WebSocket client of the renderer: the coordinator's API and a local worker's status API. */
import { LIMITS, type DirectRunEvent, type ErrorBody, type JobDto, type LogEntry, type LogPage, type WorkerDto } from '../../shared/api.ts';
import { backoffMs } from '../../shared/backoff.ts';
import type { JobStatus } from '../../shared/job-status.ts';
import { LIVE_PATH, LIVE_PROTOCOL, TOKEN_PROTOCOL_PREFIX, type LiveClientMessage, type LiveServerMessage } from '../../shared/live.ts';
import { LOCAL_HEADER, LOCAL_KEY_HEADER, type LocalServerMessage, type WorkerViewState } from '../../shared/worker-view.ts';

/** An error the API answered, with its own sentence. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

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

/** Which waiting requests an approve or refuse is about. */
export type JoinDecision = { requestIds: string[] } | { all: true };

export interface JobPage {
  jobs: JobDto[];
  total: number;
  nextBefore: string | null;
}

async function readError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as ErrorBody;
    return new ApiError(res.status, body.error ?? res.statusText);
  } catch {
    return new ApiError(res.status, `The coordinator answered ${res.status} ${res.statusText}.`);
  }
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

  joinRequests(): Promise<{ requests: JoinRequest[]; count: number }> {
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

  job(jobId: string): Promise<JobDto> {
    return this.get(`/api/jobs/status?jobId=${encodeURIComponent(jobId)}`);
  }

  jobs(status: JobStatus | '', before: string | null, limit: number = LIMITS.jobsPageSize): Promise<JobPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (status) q.set('status', status);
    if (before) q.set('before', before);
    return this.get(`/api/jobs/create?${q}`);
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
  async downloadLog(jobId: string): Promise<{ blob: Blob; fileName: string }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/jobs/log?${new URLSearchParams({ jobId, format: 'text' })}`, { headers: this.headers() });
    } catch {
      throw new ApiError(0, 'The coordinator cannot be reached to download the log; check that it is running and try again.');
    }
    if (!res.ok) throw await readError(res);
    const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
    return { blob: await res.blob(), fileName: named?.[1] ?? `${jobId}.log` };
  }

  cancel(jobId: string): Promise<{ status: string; message: string }> {
    return this.post('/api/jobs/cancel', { jobId });
  }

  rerun(job: JobDto): Promise<{ jobId: string }> {
    return this.post('/api/jobs/create', {
      command: job.command,
      fileUrl: job.fileUrl,
      filename: job.filename,
      timeoutSeconds: job.timeoutSeconds,
      maxAttempts: job.maxAttempts,
    });
  }

  /**
   * Uploads a zip with progress (XMLHttpRequest: fetch cannot report upload progress). Distributed
   * mode resolves with the new job's id; direct mode streams the run's events to `onEvent` as they come.
   */
  submit(
    file: File,
    commands: string,
    onProgress: (fraction: number) => void,
    options: { mode?: 'distributed' | 'direct'; onEvent?: (event: DirectRunEvent) => void } = {},
  ): Promise<{ jobId?: string }> {
    const mode = options.mode ?? 'distributed';
    const form = new FormData();
    form.append('commands', commands);
    form.append('mode', mode);
    form.append('file', file, file.name);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.base}/api/execute`);
      if (this.token) xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      let seen = 0;
      const readEvents = () => {
        if (mode !== 'direct' || xhr.status !== 200) return;
        const text = xhr.responseText;
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
      xhr.onprogress = readEvents;
      xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted; check the connection to the coordinator and try again.'));
      xhr.onload = () => {
        if (xhr.status === 200 && mode === 'direct') {
          readEvents();
          return resolve({});
        }
        let body: { jobId?: string; error?: string } = {};
        try {
          body = JSON.parse(xhr.responseText) as typeof body;
        } catch {
          // not JSON
        }
        if (xhr.status === 200 && body.jobId) resolve({ jobId: body.jobId });
        else reject(new ApiError(xhr.status, body.error ?? `The upload failed (${xhr.status}).`));
      };
      xhr.send(form);
    });
  }

  /** Opens the live feed; reconnects by itself (with backoff) until `close()`. */
  live(handlers: LiveHandlers): LiveConnection {
    return new LiveConnection(this.base, this.token, handlers);
  }
}

export interface LiveHandlers {
  onMessage: (m: LiveServerMessage) => void;
  /** Called with true on every (re)connect, before any message of that connection. */
  onStatus: (connected: boolean) => void;
}

export class LiveConnection {
  #socket: WebSocket | undefined;
  #closed = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #url: string;
  readonly #protocols: string[];
  readonly #handlers: LiveHandlers;

  constructor(base: string, token: string | null, handlers: LiveHandlers) {
    const url = new URL(LIVE_PATH, base.startsWith('http') ? base : location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.#url = url.toString();
    this.#protocols = token ? [LIVE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token] : [LIVE_PROTOCOL];
    this.#handlers = handlers;
    this.connect();
  }

  private connect(): void {
    const socket = new WebSocket(this.#url, this.#protocols);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#handlers.onStatus(true); // the handler subscribes again to what it follows
    };
    socket.onmessage = (e) => this.#handlers.onMessage(JSON.parse(String(e.data)) as LiveServerMessage);
    socket.onclose = () => {
      this.#handlers.onStatus(false);
      if (this.#closed) return;
      // After a coordinator restart: come back quickly, then back off, with jitter.
      const delay = backoffMs(this.#attempt++, 5000, 250);
      this.#timer = setTimeout(() => this.connect(), delay);
    };
  }

  private send(message: LiveClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  /** Asks for a job's log chunks after seq `after`; dropped while disconnected (subscribe again on connect). */
  subscribe(jobId: string, after: number): void {
    this.send({ type: 'subscribe', jobId, after });
  }

  unsubscribe(jobId: string): void {
    this.send({ type: 'unsubscribe', jobId });
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
  }
}

/** Where the worker view gets its data: the Electron bridge, or the worker's local status server. */
export interface WorkerSource {
  subscribe(onState: (state: WorkerViewState) => void, onOutput: (jobId: string, entry: LogEntry) => void): () => void;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** The worker page's key, from the address the worker printed (`#/worker?key=…`). */
function localKey(): string {
  return new URLSearchParams(location.hash.split('?')[1] ?? '').get('key') ?? '';
}

/** The local status server a headless worker runs with --ui-port (same origin as this page). */
export class LocalWorkerSource implements WorkerSource {
  subscribe(onState: (state: WorkerViewState) => void, onOutput: (jobId: string, entry: LogEntry) => void): () => void {
    let closed = false;
    let socket: WebSocket | undefined;
    let attempt = 0;
    const connect = () => {
      const url = new URL('/local/ws', location.href);
      url.hash = '';
      url.searchParams.set('key', localKey());
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      socket = new WebSocket(url);
      socket.onopen = () => {
        attempt = 0;
      };
      socket.onmessage = (e) => {
        const m = JSON.parse(String(e.data)) as LocalServerMessage;
        if (m.type === 'state') onState(m.state);
        else onOutput(m.jobId, m.entry);
      };
      socket.onclose = () => {
        if (!closed) setTimeout(connect, backoffMs(attempt++, 5000, 250));
      };
    };
    connect();
    return () => {
      closed = true;
      socket?.close();
    };
  }

  private async command(path: string): Promise<void> {
    const res = await fetch(path, { method: 'POST', headers: { [LOCAL_HEADER]: '1', [LOCAL_KEY_HEADER]: localKey() } });
    if (!res.ok) throw await readError(res);
  }

  pause(): Promise<void> {
    return this.command('/local/pause');
  }

  resume(): Promise<void> {
    return this.command('/local/resume');
  }
}
