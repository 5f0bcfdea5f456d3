/**
 * Following a job: its log page by page (GET /api/jobs/log?after=SEQ, polled while nothing new has
 * come), and waiting for its end. Polling keeps the client to plain HTTP requests through the
 * pinned agent; the live WebSocket would save at most half a second.
 */
import type { JobDto, LogEntry } from '../../../shared/api.ts';
import { Unreachable, type ApiClient } from './http.ts';

export const POLL_MS = 500;
/** How long a follower waits for a coordinator that went away (a restart takes seconds) before it gives up. */
const UNREACHABLE_PATIENCE_MS = 60_000;
/** Chunks per page while catching up (the API's most). */
const PAGE_CHUNKS = 5000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One poll, asked again while the coordinator cannot be reached, for up to a minute: a follower outlives a coordinator restart. */
export async function patiently<T>(poll: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + UNREACHABLE_PATIENCE_MS;
  for (;;) {
    try {
      return await poll();
    } catch (error) {
      if (!(error instanceof Unreachable) || Date.now() > giveUpAt) throw error;
      await sleep(1000);
    }
  }
}

/** Calls `write` with every chunk of the job's log after `after`, in order, until the job has ended and nothing more comes. */
export async function followLog(api: ApiClient, jobId: string, write: (entry: LogEntry) => unknown, after = -1): Promise<void> {
  for (;;) {
    const page = await patiently(() => api.call('getJobsLog', { query: { jobId, after, limit: PAGE_CHUNKS } }));
    for (const entry of page.chunks) await write(entry);
    after = page.next;
    if (page.complete) return;
    if (page.chunks.length === 0) await sleep(POLL_MS); // caught up: ask again shortly
  }
}

/** Calls `write` with every chunk of the job's log stored now, in order (a running job's log goes on after it). */
export async function readStoredLog(api: ApiClient, jobId: string, write: (entry: LogEntry) => unknown): Promise<void> {
  for (let after = -1; ;) {
    const page = await api.call('getJobsLog', { query: { jobId, after, limit: PAGE_CHUNKS } });
    for (const entry of page.chunks) await write(entry);
    if (page.complete || page.chunks.length === 0) return;
    after = page.next;
  }
}

/** Resolves with the job once it has ended (its log's tail says so; the job itself is read once, at the end). */
export async function waitForJobEnd(api: ApiClient, jobId: string): Promise<JobDto> {
  for (;;) {
    const tail = await patiently(() => api.call('getJobsLog', { query: { jobId, before: 'end', limit: 1 } }));
    if (tail.complete) return patiently(() => api.call('getJobsStatus', { query: { jobId } }));
    await sleep(POLL_MS);
  }
}
