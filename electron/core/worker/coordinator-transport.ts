/**
 * How a worker reaches its coordinator: Node's http client with keep-alive sockets, TLS pinned to the
 * coordinator's certificate, the worker token sent only to the coordinator's own origin (a job whose zip
 * lives on another host never sees it), errors as CoordinatorError with the body's sentence and reason.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline as pipelineStreams, type Readable } from 'node:stream';
import { byteLimit } from './byte-limit.ts';
import { pipeline } from 'node:stream/promises';
import { CampusAddresses } from './campus-addresses.ts';
import { CoordinatorError, CoordinatorUnreachable, errorReason, errorSentence } from './coordinator-errors.ts';
import { CertificateMismatch, isCertificateError, NothingPinned, pinnedAgent, PinningError, presentedCertificate } from '../pinned-tls.ts';

export { CoordinatorError, CoordinatorUnreachable };

export interface ClientOptions {
  server: string;
  /** Every coordinator of a campus (one identity, one database), `server` first: the transport moves to the next when one stops answering. */
  servers?: string[];
  /** Told when the transport moved to the next coordinator. */
  onMove?: (from: string, to: string) => void;
  /** The coordinator certificate's SHA-256 (64 hex) to pin; required for https before any token is sent. */
  fingerprint?: string | null;
  /** Per-request time limit for short calls. */
  timeoutMs?: number;
}

/** JSON text, or a file streamed from disk. */
type RequestBody = string | { path: string; size: number } | undefined;

interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  stream: IncomingMessage;
}

/**
 * Node's own http client with keep-alive sockets (lighter than fetch on a worker's hot path: a job's
 * pickup is a long-poll answer, a download and a few small posts).
 */
/** How one request travels: its deadline, another token (or none: ''), a cancel signal, a file streamed as the body. */
export interface RequestOptions {
  timeoutMs?: number;
  token?: string;
  signal?: AbortSignal;
  file?: { path: string; size: number };
}

export class CoordinatorTransport {
  /** The coordinator spoken to now, and the campus's others to move to when it stops answering. */
  readonly campus: CampusAddresses;
  #token: string | undefined;
  protected readonly timeoutMs: number;
  #fingerprint: string | null;
  /** The coordinator's own connections: plain HTTP, or HTTPS pinned to its certificate (made on first use). */
  #coordinatorAgent: Promise<HttpAgent | HttpsAgent> | undefined;
  /** Other hosts (a job's zip elsewhere): never given a token. */
  readonly #otherAgents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 8 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 8 }) };

  constructor(options: ClientOptions) {
    this.campus = new CampusAddresses(options.server, options.servers, options.onMove);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.#fingerprint = options.fingerprint ?? null;
  }

  /** The coordinator spoken to now. */
  get server(): URL {
    return this.campus.current;
  }

  /** The pinned fingerprint (null: none yet, or plain HTTP). */
  get fingerprint(): string | null {
    return this.#fingerprint;
  }

  /** Pins another certificate (after an approval); the next request checks it. */
  set fingerprint(fingerprint: string | null) {
    this.#fingerprint = fingerprint;
    void this.#coordinatorAgent?.then(
      (agent) => agent.destroy(),
      () => {},
    );
    this.#coordinatorAgent = undefined;
  }

  /** The certificate the coordinator presents now (nothing but a TLS hello is sent). */
  presentedCertificate(): Promise<{ fingerprint: string; pem: string }> {
    // In a campus a silent coordinator must not hold the move up: 5 s for its TLS hello.
    return presentedCertificate(this.server, this.campus.several ? Math.min(5000, this.timeoutMs) : this.timeoutMs);
  }

  private coordinatorAgent(): Promise<HttpAgent | HttpsAgent> {
    this.#coordinatorAgent ??= this.makeCoordinatorAgent();
    this.#coordinatorAgent.catch(() => (this.#coordinatorAgent = undefined)); // try afresh next time
    return this.#coordinatorAgent;
  }

  private async makeCoordinatorAgent(): Promise<HttpAgent | HttpsAgent> {
    if (this.server.protocol === 'http:') return new HttpAgent({ keepAlive: true, maxSockets: 8 });
    const expected = this.#fingerprint;
    if (!expected) throw new NothingPinned(this.server.origin);
    let presented: { fingerprint: string; pem: string };
    try {
      presented = await this.presentedCertificate();
    } catch (error) {
      throw new CoordinatorUnreachable(`${this.server.origin} is unreachable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (presented.fingerprint !== expected) throw new CertificateMismatch(this.server.origin, presented.fingerprint, expected);
    return pinnedAgent(presented.pem, expected);
  }

  /** After a failed exchange: a certificate error becomes the sentence about the certificate shown. */
  private async certificateProblem(error: unknown): Promise<Error | undefined> {
    if (!isCertificateError(error) || !this.#fingerprint) return undefined;
    this.fingerprint = this.#fingerprint; // drop the agent: the next try probes again
    const presented = await this.presentedCertificate().catch(() => undefined);
    return new CertificateMismatch(this.server.origin, presented?.fingerprint ?? 'unknown', this.#fingerprint);
  }

  set token(token: string | undefined) {
    this.#token = token;
  }

  get token(): string | undefined {
    return this.#token;
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.fingerprint = this.#fingerprint;
    this.#otherAgents['http:'].destroy();
    this.#otherAgents['https:'].destroy();
  }

  private headers(url: URL, json: boolean, token = this.#token): Record<string, string> {
    const headers: Record<string, string> = {};
    if (json) headers['content-type'] = 'application/json';
    // The worker token never leaves the coordinator's origin.
    if (token && url.origin === this.server.origin) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  /** One HTTP exchange; resolves when the response headers arrive. */
  private async send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: RequestBody,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    const agent = url.origin === this.server.origin ? await this.coordinatorAgent() : this.#otherAgents[url.protocol as 'http:' | 'https:'];
    try {
      return await this.exchange(agent, method, url, headers, body, timeoutMs, signal);
    } catch (error) {
      throw (await this.certificateProblem(error)) ?? error;
    }
  }

  private exchange(
    agent: HttpAgent | HttpsAgent,
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: RequestBody,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    const protocol = url.protocol as 'http:' | 'https:';
    const doRequest = protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = doRequest(
        url,
        {
          method,
          agent,
          headers:
            body === undefined
              ? headers
              : typeof body === 'string'
                ? { ...headers, 'content-length': String(Buffer.byteLength(body)) }
                : { ...headers, 'content-type': 'application/zip', 'content-length': String(body.size) },
          timeout: timeoutMs,
          signal,
        },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res }),
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (body !== undefined && typeof body !== 'string') {
        // A file is streamed from disk, never read whole into memory.
        const file = createReadStream(body.path);
        file.on('error', (error) => req.destroy(error));
        file.pipe(req);
      } else req.end(body);
    });
  }

  protected async request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.server);
    const at = this.campus.at;
    let text: string;
    let status: number;
    try {
      const res = await this.send(
        method,
        url,
        this.headers(url, body !== undefined || options.file !== undefined, options.token ?? this.#token),
        options.file ?? (body === undefined ? undefined : JSON.stringify(body)),
        options.timeoutMs ?? this.timeoutMs,
        options.signal,
      );
      status = res.status;
      const parts: Buffer[] = [];
      for await (const part of res.stream) parts.push(part as Buffer);
      text = Buffer.concat(parts).toString();
    } catch (error) {
      if (error instanceof PinningError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
      const unreachable =
        error instanceof CoordinatorUnreachable ? error : new CoordinatorUnreachable(`${url.origin} is unreachable (${code}: ${(error as Error).message})`);
      // Our own abort (a pause leaving the long poll) says nothing about the coordinator. A move drops the
      // old sockets, so a long poll still hanging on a silent coordinator ends too; the pin stays the same.
      if (!options.signal?.aborted) this.leave(at);
      throw unreachable;
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    if (status >= 400) throw new CoordinatorError(status, `${method} ${path} answered ${status}: ${errorSentence(parsed)}`, errorReason(parsed));
    return { status, body: parsed }; // checked against the endpoint table by the caller (shared/api-client.ts)
  }

  /** The coordinator at `at` stopped answering: the next of the campus becomes current (false if none, or moved already). */
  leave(at: number): boolean {
    return this.campus.moveOn(at) && ((this.fingerprint = this.#fingerprint), true);
  }

  /** Downloads a zip to `dest`, at most `maxBytes`; returns its size. `what` names it in the errors. */
  async download(fileUrl: string, dest: string, maxBytes: number, signal?: AbortSignal, what = 'project zip'): Promise<number> {
    const { stream } = await this.openDownload(fileUrl, maxBytes, signal, what);
    const file = createWriteStream(dest, { highWaterMark: 1024 * 1024 });
    try {
      await pipeline(stream, file, { signal });
    } catch (error) {
      await rm(dest, { force: true });
      throw error;
    }
    return file.bytesWritten;
  }

  /** A zip's bytes as they arrive (at most `maxBytes`: more destroys the stream), and the size the answer declared. */
  async openDownload(fileUrl: string, maxBytes: number, signal?: AbortSignal, what = 'project zip'): Promise<{ stream: Readable; declared: number }> {
    const { res, url } = await this.getFollowing(fileUrl, signal, what);
    if (res.status !== 200) {
      res.stream.resume();
      throw new Error(`Could not download the ${what}: ${url.origin}${url.pathname} answered ${res.status}.`);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.stream.destroy();
      throw new Error(
        `The ${what} is ${(declared / 1024 ** 2).toFixed(1)} MB; this worker accepts at most ${Math.round(maxBytes / 1024 ** 2)} MB (--max-extract-mb).`,
      );
    }
    const tooLarge = `The ${what} is larger than ${Math.round(maxBytes / 1024 ** 2)} MB (--max-extract-mb); download stopped.`;
    // Paused until the caller reads it: nothing is lost however long it takes to get ready.
    return { stream: pipelineStreams(res.stream, byteLimit(maxBytes, tooLarge), () => {}), declared };
  }

  /** GET `fileUrl`, following redirects of other hosts (never with the token). */
  private async getFollowing(fileUrl: string, signal: AbortSignal | undefined, what: string): Promise<{ res: RawResponse; url: URL }> {
    let url = new URL(fileUrl, this.server);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`The job's fileUrl uses ${url.protocol}, which a worker does not fetch; use http(s).`);
      let res: RawResponse;
      try {
        // Only a first request straight to the coordinator carries the token: a redirect (even one
        // that leads back to the coordinator) was chosen by another host, so it never gets it.
        res = await this.send('GET', url, this.headers(url, false, hop === 0 ? this.#token : ''), undefined, 120_000, signal);
      } catch (error) {
        throw new Error(
          `Could not download the ${what} from ${url.origin}${url.pathname} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
          { cause: error },
        );
      }
      const location = res.headers.location;
      if (!(res.status >= 300 && res.status < 400 && location && url.origin !== this.server.origin && hop < 5)) return { res, url };
      res.stream.resume();
      url = new URL(location, url);
    }
  }
}
