/** Wire contract between coordinator, worker and dashboard: DTOs and limits (schemas: api-schemas.ts). */
import type { EndReason, JobStatus, WorkerStatus } from './job-status.ts';

/** The product version; a test keeps it equal to package.json's. */
export const APP_VERSION = '0.1.0';

/** Every 4xx/5xx body. */
export interface ErrorBody {
  error: string;
  statusCode: number;
}

export interface WorkerDto {
  workerId: string;
  hostname: string;
  os: string | null;
  cpuCount: number | null;
  status: WorkerStatus;
  lastHeartbeat: number;
  version: string | null;
  /** The job the coordinator has assigned to this worker, if any. */
  currentJobId: string | null;
  registeredAt: number;
  /** Paused from the worker's own screen: registered and heartbeating, but taking no jobs. */
  paused: boolean;
  /** What this worker says it cannot protect on its PC (e.g. jobs run as its own user). */
  warnings: string[];
}

export interface JobDto {
  jobId: string;
  status: JobStatus;
  workerId: string | null;
  command: string;
  filename: string;
  fileUrl: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  errorMessage: string | null;
  /** Why the job ended, as a value (null while it has not). */
  endReason: EndReason | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  timeoutSeconds: number;
  maxAttempts: number;
  attempts: number;
  cancelRequested: boolean;
  /** When the worker started the first command (ms), as it reported with the result. */
  commandStartedAt: number | null;
}

/** One Server-Sent Event of a direct run (POST /api/execute with mode=direct). */
export type DirectRunEvent =
  { event: 'stdout' | 'stderr'; data: { data: string } } | { event: 'exit'; data: { exitCode: number } } | { event: 'error'; data: { error: string } };

/** A job as handed to a worker by get-job. */
export interface AssignedJobDto {
  jobId: string;
  command: string;
  fileUrl: string;
  filename: string;
  timeoutSeconds: number;
  /** SHA-256 of the zip when it is one of the coordinator's uploads: a worker checks its cached copy against it. */
  fileSha256?: string | null;
  /** The first log seq of this attempt (a retried job's log goes on after the earlier attempt's); 0 if absent. */
  logStart?: number;
}

export const LIMITS = {
  idLength: 128,
  hostnameLength: 255,
  shortText: 255,
  commandLength: 64 * 1024,
  errorMessageLength: 4096,
  fileUrlLength: 2048,
  maxTimeoutSeconds: 7 * 24 * 3600,
  maxAttempts: 10,
  maxWaitSeconds: 30,
  maxPageSize: 500,
  /** Jobs in one page of the list (the API's default and the dashboard's page). */
  jobsPageSize: 50,
  /** Log chunks in one page of GET /api/jobs/log: the default and the most a client may ask for. */
  logPageChunks: 500,
  maxLogPageChunks: 5000,
  /** A log page stops after the chunk that takes it past this many bytes of text. */
  logPageBytes: 1024 * 1024,
} as const;

/** Worker ids end up in logs, file names and URLs, so they are kept to a safe alphabet. */
export const WORKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

/** A numbered piece of a running job's output, as the worker sends it: one sequence per job, in the order the pipes were read. */
export interface LogChunk {
  stream: OutputStream;
  seq: number;
  data: string;
  /** When the worker read it (ms since the epoch); the coordinator's clock if absent. */
  time?: number;
}

/** One stored piece of a job's log. */
export interface LogEntry {
  seq: number;
  stream: OutputStream;
  time: number;
  data: string;
}

/**
 * A page of GET /api/jobs/log, chunks in ascending `seq`. `next` is the last seq in the page (or the
 * `after` asked for when the page is empty): pass it as `after` for the page that follows. `older`
 * says whether chunks exist before the first one in the page; `complete` that the job has ended and
 * nothing comes after `next`.
 */
export interface LogPage {
  jobId: string;
  chunks: LogEntry[];
  next: number;
  older: boolean;
  complete: boolean;
}
