/**
 * The dashboard's live feed: a WebSocket at /api/ws that pushes worker and job changes (coalesced
 * every 100 ms) and the output of the jobs a client subscribed to, each client only what is in its
 * rooms. Browsers cannot set headers on a WebSocket, so a token arrives as a subprotocol
 * (`cmdx-token.<token>`), or the session cookie comes with it (live-auth.ts).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { LIMITS, type JobDto, type LogEntry, type WorkerDto } from '../../../../shared/api.ts';
import { LIVE_PATH, LIVE_PROTOCOL, type LiveClientMessage, type LiveServerMessage } from '../../../../shared/live.ts';
import type { Scope } from '../../../../shared/roles.ts';
import type { CoordinatorContext } from '../context.ts';
import { plainFromLan } from '../http/listener.ts';
import { getJobSummary } from '../jobs/job-queries.ts';
import { getWorker } from '../workers/worker-queries.ts';
import { readLog } from '../jobs/job-output.ts';
import { jobInScope } from '../people/scope.ts';
import { viewerOf, type Viewer } from './live-auth.ts';
import { changesText, countsText, scopeKey, snapshot, type Changes } from './live-scope.ts';

const FLUSH_MS = 100;
/** A client that cannot keep up is dropped rather than buffered without bound; it reconnects and catches up. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Log text a subscribe catches up at once; past it the page is told to reload the tail over HTTP instead. */
const CATCH_UP_CHARS = 4 * 1024 * 1024;
const COUNTS_EVERY_MS = 1000;
/** How often a viewer's session or token is checked again: signed out, disabled or given other rooms. */
const RECHECK_MS = 30_000;

interface Client {
  socket: WebSocket;
  jobs: Set<string>;
  viewer: Viewer;
}

export class LiveHub {
  readonly #ctx: CoordinatorContext;
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<Client>();
  readonly #dirtyWorkers = new Set<string>();
  readonly #dirtyJobs = new Set<string>();
  /** Each worker as the last batch sent it, but its heartbeat's time: a change of that time alone goes out as `seen`. */
  readonly #sentWorkers = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #recheckTimer: NodeJS.Timeout;
  #countsAt = 0;
  /** Jobs changed too soon after the last counts: they go out when the second is up. */
  #countsTimer: NodeJS.Timeout | undefined;
  readonly #onWorker = (id: string) => {
    // Forgotten while nobody watched: a client's snapshot may be newer than what was last sent, so the next change goes whole.
    if (this.#clients.size === 0) this.#sentWorkers.delete(id);
    this.mark(this.#dirtyWorkers, id);
  };
  readonly #onJob = (id: string) => this.mark(this.#dirtyJobs, id);
  readonly #onOutput = (jobId: string, entries: LogEntry[]) => this.output(jobId, entries);

  constructor(ctx: CoordinatorContext) {
    this.#ctx = ctx;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024,
      handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
    });
    ctx.events.on('worker', this.#onWorker);
    ctx.events.on('job', this.#onJob);
    ctx.events.on('output', this.#onOutput);
    this.#recheckTimer = setInterval(() => this.recheck(), RECHECK_MS);
    this.#recheckTimer.unref?.();
  }

  /** Hooks the hub into the HTTP server's upgrade requests for /api/ws. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  close(): void {
    this.#ctx.events.off('worker', this.#onWorker);
    this.#ctx.events.off('job', this.#onJob);
    this.#ctx.events.off('output', this.#onOutput);
    clearTimeout(this.#timer);
    clearTimeout(this.#countsTimer);
    clearInterval(this.#recheckTimer);
    for (const client of this.#clients) client.socket.terminate();
    this.#wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== LIVE_PATH) return void refuse(socket, 404, 'Not found');
    if (this.#ctx.settings.fingerprint && plainFromLan(req)) return void refuse(socket, 403, 'Plain HTTP is for this PC only; connect with https');
    const outcome = viewerOf(this.#ctx, req);
    if (!outcome.ok) return void refuse(socket, outcome.status, outcome.message);
    this.#ctx.guard.authenticated(socket as Socket);
    this.#ctx.guard.keepOpen(socket as Socket); // a quiet dashboard is not an idle connection: it waits for news
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, outcome.viewer));
  }

  private connected(socket: WebSocket, viewer: Viewer): void {
    const client: Client = { socket, jobs: new Set(), viewer };
    this.#clients.add(client);
    socket.on('close', () => this.#clients.delete(client));
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw: Buffer) => this.received(client, raw.toString())); // text frames arrive as one Buffer
    this.send(client, snapshot(this.#ctx.store, viewer.scope));
  }

  /** A viewer whose session or token ended is closed (the page signs in again); one given other rooms starts over. */
  private recheck(): void {
    for (const client of this.#clients) {
      if (!client.viewer.recheck) continue;
      const scope = client.viewer.recheck();
      if (scope === undefined) client.socket.close(4001, 'Your session ended; sign in again');
      else if (scopeKey(scope) !== scopeKey(client.viewer.scope)) client.socket.close(4002, 'Your rooms changed; reconnect');
    }
  }

  private received(client: Client, text: string): void {
    let message: LiveClientMessage;
    try {
      message = JSON.parse(text) as LiveClientMessage;
    } catch {
      return;
    }
    if (message?.type === 'subscribe' && typeof message.jobId === 'string') {
      if (!this.mayWatch(client.viewer.scope, message.jobId)) return; // another room's job: its log is not theirs to follow
      if (client.jobs.size >= 20) client.jobs.clear(); // a tab follows a handful of jobs, never thousands
      client.jobs.add(message.jobId);
      this.catchUp(client, message.jobId, Number.isSafeInteger(message.after) && message.after >= -1 ? message.after : -1);
    } else if (message?.type === 'unsubscribe' && typeof message.jobId === 'string') {
      client.jobs.delete(message.jobId);
    }
  }

  private mayWatch(scope: Scope | null, jobId: string): boolean {
    if (!scope) return true;
    const job = this.#ctx.store.jobs.get(jobId);
    return job !== undefined && jobInScope(this.#ctx.store, job, scope);
  }

  /** What is stored after `after`, then live chunks: one thread, so nothing falls between the two or comes twice. */
  private catchUp(client: Client, jobId: string, after: number): void {
    const page = readLog(this.#ctx.store, jobId, { after, limit: LIMITS.maxLogPageChunks, maxChars: CATCH_UP_CHARS });
    if (!page) return;
    const more = readLog(this.#ctx.store, jobId, { after: page.next, limit: 1, maxChars: 1 })!.chunks.length > 0;
    if (more) this.send(client, { type: 'log-reset', jobId });
    else if (page.chunks.length > 0) this.send(client, { type: 'log', jobId, chunks: page.chunks });
  }

  private mark(set: Set<string>, id: string): void {
    if (this.#clients.size === 0) return;
    set.add(id);
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.#timer = undefined;
    const { workers, seen } = this.changedWorkers();
    const jobs = [...this.#dirtyJobs].map((id) => getJobSummary(this.#ctx.store, id)).filter((j): j is JobDto => !!j);
    this.#dirtyWorkers.clear();
    this.#dirtyJobs.clear();
    if (workers.length === 0 && jobs.length === 0 && seen.length === 0) return;
    // Counts change only with jobs; read at most once a second (they count index ranges).
    const now = Date.now();
    let withCounts = false;
    if (jobs.length > 0 && now - this.#countsAt >= COUNTS_EVERY_MS) {
      withCounts = true;
      this.#countsAt = now;
    } else if (jobs.length > 0) {
      this.#countsTimer ??= setTimeout(() => this.sendCounts(), this.#countsAt + COUNTS_EVERY_MS - now);
    }
    const changes: Changes = { workers, seen, jobs, serverTime: now, withCounts };
    this.broadcast((scope) => changesText(this.#ctx.store, changes, scope));
  }

  /** The dirty workers: those that changed (whole) and those whose heartbeat's time is all that changed (`seen`). */
  private changedWorkers(): { workers: WorkerDto[]; seen: WorkerDto[] } {
    const workers: WorkerDto[] = [];
    const seen: WorkerDto[] = [];
    for (const id of this.#dirtyWorkers) {
      const worker = getWorker(this.#ctx.store, id);
      if (!worker) {
        this.#sentWorkers.delete(id);
        continue;
      }
      const text = JSON.stringify({ ...worker, lastHeartbeat: 0 });
      if (this.#sentWorkers.get(id) === text) seen.push(worker);
      else workers.push(worker);
      this.#sentWorkers.set(id, text);
    }
    return { workers, seen };
  }

  private sendCounts(): void {
    this.#countsTimer = undefined;
    this.#countsAt = Date.now();
    this.broadcast((scope) => countsText(this.#ctx.store, scope, this.#countsAt));
  }

  /** Each client its scope's text, made once per scope ('' sends nothing). */
  private broadcast(textFor: (scope: Scope | null) => string): void {
    const texts = new Map<string, string>();
    for (const client of this.#clients) {
      const key = scopeKey(client.viewer.scope);
      let text = texts.get(key);
      if (text === undefined) texts.set(key, (text = textFor(client.viewer.scope)));
      if (text) this.sendText(client, text);
    }
  }

  private output(jobId: string, chunks: LogEntry[]): void {
    let text: string | undefined;
    for (const client of this.#clients) {
      if (!client.jobs.has(jobId)) continue;
      text ??= JSON.stringify({ type: 'log', jobId, chunks } satisfies LiveServerMessage);
      this.sendText(client, text);
    }
  }

  private send(client: Client, message: LiveServerMessage): void {
    this.sendText(client, JSON.stringify(message));
  }

  private sendText(client: Client, text: string): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) return void client.socket.terminate();
    client.socket.send(text);
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}\n`);
}
