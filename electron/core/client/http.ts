/**
 * The client's HTTP: requests to one coordinator, the admin token only in the Authorization header
 * (never in a URL), https only to the pinned certificate, errors as the coordinator's own sentence.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { displayFingerprint } from '../../../shared/fingerprint.ts';
import { CertificateMismatch, isCertificateError, NothingPinned, pinnedAgent, PinningError, presentedCertificate } from '../pinned-tls.ts';
import type { Connection } from './connection.ts';
import type { MultipartBody } from './multipart.ts';
import { callApi, readAnswer, type ApiReply, type ApiRequest, type CallInput } from '../../../shared/api-client.ts';
import { ENDPOINTS, type AnswerOf, type OperationId } from '../../../shared/endpoints/index.ts';

/** The coordinator answered with an error; the message is its `{error}` sentence. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** The coordinator could not be reached at all. */
export class Unreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unreachable';
  }
}

const CALL_TIMEOUT_MS = 30_000;
/** Uploads and downloads: given up only when nothing moves for this long. */
const IDLE_TIMEOUT_MS = 120_000;

type Query = Record<string, string | number | undefined>;

export class ApiClient {
  readonly server: string;
  readonly #token: string | undefined;
  readonly #fingerprint: string | null;
  #agent: Promise<HttpAgent | HttpsAgent> | undefined;

  constructor(connection: Connection) {
    this.server = connection.server;
    this.#token = connection.token;
    this.#fingerprint = connection.fingerprint;
  }

  /** One operation of the endpoint table; resolves with its checked answer, rejects with the coordinator's sentence. */
  call<K extends OperationId>(operation: K, ...[input]: object extends CallInput<K> ? [CallInput<K>?] : [CallInput<K>]): Promise<AnswerOf<K>> {
    return callApi((request) => this.#json(request), operation, input ?? ({} as CallInput<K>));
  }

  async #json(request: ApiRequest): Promise<ApiReply> {
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const method = request.method.toUpperCase();
    const res = await this.send(method, new URL(request.path, this.server), body ? { 'content-type': 'application/json' } : {}, CALL_TIMEOUT_MS, (req) =>
      req.end(body),
    );
    return { status: res.statusCode ?? 0, body: await readJson(res, `${method} ${request.path.split('?')[0]}`) };
  }

  /** A GET whose body is read as a stream (a log, a zip); rejects unless the answer is 200. */
  async stream(path: string, query?: Query): Promise<IncomingMessage> {
    const res = await this.send('GET', this.url(path, query), {}, IDLE_TIMEOUT_MS, (req) => req.end());
    if (res.statusCode !== 200) await readJson(res, `GET ${path}`); // throws the coordinator's sentence
    return res;
  }

  /** A multipart POST, streamed; `onFileBytes` hears the progress of the file part. */
  async upload<K extends 'postExecute' | 'postRunsCreate'>(operation: K, body: MultipartBody, onFileBytes?: (sent: number) => void): Promise<AnswerOf<K>> {
    const path = ENDPOINTS[operation].path;
    const headers = { 'content-type': body.contentType, 'content-length': String(body.length) };
    const res = await this.send('POST', this.url(path), headers, IDLE_TIMEOUT_MS, (req) => {
      // A coordinator that refuses early (413, 401) answers before it read everything: the answer counts, not the broken pipe.
      pipeline(body.stream(onFileBytes), req).catch(() => {});
    });
    return readAnswer(operation, { status: res.statusCode ?? 0, body: await readJson(res, `POST ${path}`) });
  }

  /** The dashboard's page for a job or a run. */
  dashboardUrl(id: string): string {
    return `${this.server}/#/${id.startsWith('run-') ? 'runs' : 'jobs'}/${encodeURIComponent(id)}`;
  }

  /** Closes kept-alive connections, so that the process can end. */
  close(): void {
    void this.#agent?.then(
      (agent) => agent.destroy(),
      () => {},
    );
  }

  private url(path: string, query?: Query): URL {
    const url = new URL(path, this.server);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** One exchange; resolves when the answer's headers arrive. `write` sends the request body and ends it. */
  private async send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    timeoutMs: number,
    write: (req: ReturnType<typeof httpRequest>) => unknown,
  ): Promise<IncomingMessage> {
    const agent = await this.agent();
    const all = { ...headers, ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}) };
    try {
      return await new Promise<IncomingMessage>((resolve, reject) => {
        const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = doRequest(url, { method, agent, headers: all, timeout: timeoutMs }, resolve);
        req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
        req.on('error', reject);
        write(req);
      });
    } catch (error) {
      if (isCertificateError(error) && this.#fingerprint) {
        const presented = await presentedCertificate(new URL(this.server)).catch(() => undefined);
        throw new CertificateMismatch(this.server, presented?.fingerprint ?? 'unknown', this.#fingerprint, MISMATCH_ADVICE);
      }
      throw unreachable(this.server, error);
    }
  }

  private agent(): Promise<HttpAgent | HttpsAgent> {
    this.#agent ??= this.makeAgent();
    this.#agent.catch(() => (this.#agent = undefined)); // a coordinator that was down is probed afresh next time
    return this.#agent;
  }

  private async makeAgent(): Promise<HttpAgent | HttpsAgent> {
    const url = new URL(this.server);
    if (url.protocol === 'http:') return new HttpAgent({ keepAlive: true });
    let presented: { fingerprint: string; pem: string };
    try {
      presented = await presentedCertificate(url);
    } catch (error) {
      throw unreachable(this.server, error);
    }
    const expected = this.#fingerprint;
    if (!expected) {
      const shown = displayFingerprint(presented.fingerprint);
      throw new NothingPinned(
        this.server,
        `it presents SHA-256 ${shown}. If its dashboard (or its log) shows the same, pass --fingerprint ${shown}, or save it with "cmdx login ${this.server} --fingerprint ${shown}".`,
      );
    }
    if (presented.fingerprint !== expected) throw new CertificateMismatch(this.server, presented.fingerprint, expected, MISMATCH_ADVICE);
    return pinnedAgent(presented.pem, expected);
  }
}

const MISMATCH_ADVICE = 'if it was reinstalled, log in again with the fingerprint its dashboard shows now (cmdx login).';

function unreachable(server: string, error: unknown): Error {
  if (error instanceof PinningError || error instanceof Unreachable) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new Unreachable(
    `Cannot reach the coordinator at ${server} (${code ? `${code}: ` : ''}${(error as Error).message}); check that it runs and that the address is right.`,
  );
}

/** The answer as JSON; an error status becomes an ApiError with the coordinator's sentence. */
async function readJson(res: IncomingMessage, what: string): Promise<unknown> {
  const parts: Buffer[] = [];
  try {
    for await (const part of res) parts.push(part as Buffer);
  } catch (error) {
    throw new Unreachable(`The answer to ${what} was cut off (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); try again.`);
  }
  const text = Buffer.concat(parts).toString('utf8');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = undefined;
  }
  const status = res.statusCode ?? 0;
  if (status >= 400) {
    const sentence = typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string' ? parsed.error : undefined;
    throw new ApiError(status, sentence ?? `${what} answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}.`);
  }
  if (parsed === undefined) throw new Error(`The answer to ${what} is not JSON; is this a CMD Executor coordinator?`);
  return parsed; // checked against the endpoint table by the caller (shared/api-client.ts)
}
