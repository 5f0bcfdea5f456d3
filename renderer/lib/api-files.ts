/** The dashboard's transfers that are not JSON calls: downloads (the session cookie goes by itself), the log as text, uploads with progress, a direct run's event stream. */
import type { DirectRunEvent } from '../../shared/api.ts';
import { CSRF_HEADER } from '../../shared/roles.ts';
import { ApiError, readError, signedOutError } from './api-error.ts';
import type { Download, RunCreated, RunParts, RunRequest, SubmitOptions } from './api-types.ts';
import { parseJson, sendForm } from './upload.ts';

/**
 * How this page proves who it is. The session cookie (HttpOnly) goes with every request by itself, as the
 * dashboard is served by the coordinator it calls; the session's anti-CSRF value goes with every change.
 */
export interface ApiAuth {
  /** Null: no session (a coordinator without authentication, or not signed in yet). */
  csrf: string | null;
  /** A call found the session over (expired, signed out elsewhere, the account changed): back to the sign-in, with the coordinator's sentence. */
  onSignedOut?: (message: string) => void;
}

export const NO_AUTH: ApiAuth = { csrf: null };

export class FileTransfers {
  readonly base: string;
  readonly auth: ApiAuth;

  constructor(base: string, auth: ApiAuth = NO_AUTH) {
    this.base = base.replace(/\/$/, '');
    this.auth = auth;
  }

  /** `change`: a request that changes something (anything but GET) carries the anti-CSRF value. */
  protected headers(json = false, change = false): Record<string, string> {
    const h: Record<string, string> = {};
    if (change && this.auth.csrf) h[CSRF_HEADER] = this.auth.csrf;
    if (json) h['content-type'] = 'application/json';
    return h;
  }

  /** A refusal, passed on; one that means the session is over also sends the page back to the sign-in. */
  protected refused(err: ApiError): ApiError {
    // No cookie at all (it outlived its Max-Age): the coordinator's sentence is about bearer tokens, not this page.
    if (signedOutError(err)) this.auth.onSignedOut?.(err.reason === 'session_expired' ? err.message : 'Your session is over; sign in again.');
    return err;
  }

  /** A multipart answer's refusal: its sentence and reason, else `fallback`. */
  protected formError(status: number, body: { error?: string; reason?: string }, fallback: string): ApiError {
    return this.refused(new ApiError(status, body.error ?? fallback, body.reason ?? null));
  }

  /** The zip the coordinator keeps for a job, as a file to send again (a direct run takes an upload, not a fileUrl). */
  async uploadedZip(fileUrl: string, filename: string): Promise<File> {
    const res = await this.fetch(fileUrl, 'read the zip again');
    return new File([await res.blob()], filename, { type: 'application/zip' });
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
  protected async fetch(path: string, what: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { headers: this.headers() });
    } catch {
      throw new ApiError(0, `The coordinator cannot be reached to ${what}; check that it is running and try again.`);
    }
    if (!res.ok) throw this.refused(await readError(res));
    return res;
  }
  protected async download(path: string, fallbackName: string, what: string): Promise<Download> {
    const res = await this.fetch(path, `download ${what}`);
    return { blob: await res.blob(), fileName: attachmentName(res.headers.get('content-disposition')) ?? fallbackName };
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
  /** The results as CSV or JSON, or a gradebook for Moodle's or Canvas's grade import. */
  exportRun(runId: string, format: 'csv' | 'json' | 'moodle' | 'canvas'): Promise<Download> {
    const ext = format === 'json' ? 'json' : 'csv';
    return this.download(`/api/runs/export?${new URLSearchParams({ runId, format })}`, `${runId}.${ext}`, 'the results');
  }
  /** A grading run's feedback: one Markdown file per student, in one zip. */
  downloadFeedback(runId: string): Promise<Download> {
    return this.download(`/api/runs/feedback?${new URLSearchParams({ runId })}`, `${runId} feedback.zip`, 'the feedback');
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
    if (options.shell) form.append('shell', options.shell);
    if (options.artifacts?.length && mode === 'distributed') form.append('artifacts', JSON.stringify(options.artifacts));
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
    const res = await sendForm(`${this.base}/api/execute`, this.headers(false, true), form, { onProgress, onResponseText: readEvents, onHeaders });
    if (res.status === 200 && mode === 'direct') {
      readEvents(res.text, res.status);
      return {};
    }
    const body = parseJson<{ jobId: string; error: string; reason: string }>(res.text);
    if (res.status === 200 && body.jobId) return { jobId: body.jobId };
    throw this.formError(res.status, body, `The upload failed (${res.status}).`);
  }

  /** A run with zips: a multipart form (the zips as `file` parts, a grading run's hidden tests and starter code as `tests` and `base`), reporting upload progress. */
  protected async createRunWithFiles(request: RunRequest, files: File[], onProgress: (fraction: number) => void, parts: RunParts = {}): Promise<RunCreated> {
    const form = new FormData();
    // Multipart fields are text: the target, the grading settings and the patterns as JSON, numbers as digits.
    for (const [name, value] of Object.entries(request) as [string, unknown][]) {
      if (value !== undefined) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    for (const file of files) form.append('file', file, file.name);
    if (parts.tests) form.append('tests', parts.tests, parts.tests.name);
    if (parts.base) form.append('base', parts.base, parts.base.name);
    return this.sendRunForm('/api/runs/create', form, onProgress);
  }

  /** Every job of a grading run again with new hidden tests (the zip as the `tests` part), reporting upload progress. */
  rerunWithTests(runId: string, tests: File, onProgress: (fraction: number) => void): Promise<RunCreated> {
    const form = new FormData();
    form.append('runId', runId);
    form.append('only', 'all');
    form.append('tests', tests, tests.name);
    return this.sendRunForm('/api/runs/rerun', form, onProgress);
  }

  private async sendRunForm(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<RunCreated> {
    const res = await sendForm(`${this.base}${path}`, this.headers(false, true), form, { onProgress });
    const body = parseJson<RunCreated & { error: string; reason: string }>(res.text);
    if (res.status === 200 && body.runId) return body as RunCreated;
    throw this.formError(res.status, body, `The upload failed (${res.status}).`);
  }
}

/** The name a `Content-Disposition` gives: the exact UTF-8 `filename*` (a run named "Übung 3"), else the plain `filename`. */
export function attachmentName(header: string | null): string | null {
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '');
  if (exact) {
    try {
      return decodeURIComponent(exact[1]!);
    } catch {
      // a malformed escape: the plain name below
    }
  }
  return /filename="([^"]+)"/.exec(header ?? '')?.[1] ?? null;
}
