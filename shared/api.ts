/** Wire contract between coordinator, worker and dashboard: DTOs and request schemas. */
import { z } from 'zod';
import type { JobStatus, WorkerStatus } from './job-status.ts';

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
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  timeoutSeconds: number;
  maxAttempts: number;
  attempts: number;
  cancelRequested: boolean;
}

/** A job as handed to a worker by get-job. */
export interface AssignedJobDto {
  jobId: string;
  command: string;
  fileUrl: string;
  filename: string;
  timeoutSeconds: number;
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
} as const;

/** Worker ids end up in logs, file names and URLs, so they are kept to a safe alphabet. */
export const WORKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const JOB_ID_PATTERN = /^job-\d+-[a-z0-9]+$/;

const workerId = z.string().min(1).max(LIMITS.idLength).regex(WORKER_ID_PATTERN, 'may contain only letters, digits, ".", "_" and "-"');
const jobId = z.string().min(1).max(LIMITS.idLength);

export const registerBody = z.object({
  workerId,
  hostname: z.string().min(1).max(LIMITS.hostnameLength),
  os: z.string().max(LIMITS.shortText).nullish(),
  cpuCount: z.number().int().min(0).max(65536).nullish(),
  version: z.string().max(LIMITS.shortText).nullish(),
});

export const heartbeatBody = z.object({
  workerId,
  /** The job the worker is running now (null when idle); lets the coordinator notice a job that never arrived. */
  jobId: jobId.nullish(),
});

export const createJobBody = z.object({
  command: z.string().min(1).max(LIMITS.commandLength),
  fileUrl: z.string().min(1).max(LIMITS.fileUrlLength),
  filename: z.string().min(1).max(LIMITS.shortText),
  timeoutSeconds: z.number().int().min(1).max(LIMITS.maxTimeoutSeconds).optional(),
  maxAttempts: z.number().int().min(1).max(LIMITS.maxAttempts).optional(),
});

export const submitResultBody = z.object({
  jobId,
  workerId,
  stdout: z.string().nullish(),
  stderr: z.string().nullish(),
  exitCode: z.number().int().min(-2147483648).max(4294967295),
});

export const failureBody = z.object({
  jobId,
  workerId,
  errorMessage: z.string().max(LIMITS.errorMessageLength).nullish(),
});

export const cancelBody = z.object({ jobId });

export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

export const logChunk = z.object({
  stream: z.enum(OUTPUT_STREAMS),
  seq: z.number().int().min(0).max(1_000_000_000),
  data: z.string(),
});
export type LogChunk = z.infer<typeof logChunk>;

export const logBody = z.object({
  jobId,
  workerId,
  chunks: z.array(logChunk).max(1000),
});

/** What heartbeat and log responses tell a worker about its current job. */
export interface JobControl {
  cancel: boolean;
}
