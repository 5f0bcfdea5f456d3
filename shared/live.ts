/** Messages of the dashboard's WebSocket (/api/ws). */
import type { JobDto, OutputStream, WorkerDto } from './api.ts';

export type LiveServerMessage =
  /** Sent on connect (and so after every reconnect): the whole picture, replacing what the page had. */
  | { type: 'snapshot'; workers: WorkerDto[]; jobs: JobDto[]; totalJobs: number; serverTime: number }
  /** Workers and jobs (without output) that changed in the last 100 ms. */
  | { type: 'changes'; workers: WorkerDto[]; jobs: JobDto[]; serverTime: number }
  /** The output so far of a job the client subscribed to; live `output` messages follow. */
  | { type: 'job-output'; jobId: string; stdout: string; stderr: string }
  | { type: 'output'; jobId: string; stream: OutputStream; data: string };

export type LiveClientMessage = { type: 'subscribe'; jobId: string } | { type: 'unsubscribe'; jobId: string };

export const LIVE_PATH = '/api/ws';
export const LIVE_PROTOCOL = 'cmdx';
export const TOKEN_PROTOCOL_PREFIX = 'cmdx-token.';
