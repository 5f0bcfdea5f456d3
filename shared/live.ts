/** Messages of the dashboard's WebSocket (/api/ws). */
import type { JobDto, LogEntry, WorkerDto } from './api.ts';
import type { JobCounts } from './job-status.ts';

export type LiveServerMessage =
  /** Sent on connect (and so after every reconnect): the whole picture, replacing what the page had. */
  | { type: 'snapshot'; workers: WorkerDto[]; jobs: JobDto[]; totalJobs: number; counts: JobCounts; serverTime: number }
  /**
   * Workers and jobs (without output) that changed in the last 100 ms. `seen`: workers whose only change
   * was a heartbeat, as their id and new `lastHeartbeat` (a whole worker for that is ten times the bytes).
   */
  | { type: 'changes'; workers: WorkerDto[]; jobs: JobDto[]; serverTime: number; counts?: JobCounts; seen?: Record<string, number> }
  /** Log chunks of a subscribed job with seq above the `after` it gave (first what is stored, then live ones as they arrive). */
  | { type: 'log'; jobId: string; chunks: LogEntry[] }
  /** More is stored after `after` than the feed sends at once: reload the log's tail over HTTP, then subscribe again. */
  | { type: 'log-reset'; jobId: string };

/** `after`: the last log seq the page already shows (-1 for none); only later chunks are sent. */
export type LiveClientMessage = { type: 'subscribe'; jobId: string; after: number } | { type: 'unsubscribe'; jobId: string };

export const LIVE_PATH = '/api/ws';
export const LIVE_PROTOCOL = 'cmdx';
export const TOKEN_PROTOCOL_PREFIX = 'cmdx-token.';
