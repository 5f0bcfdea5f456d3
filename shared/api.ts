/** Wire contract between coordinator, worker and dashboard: DTOs and limits (schemas: api-schemas.ts). */
import type { EndReason, JobStatus, WorkerStatus } from './job-status.ts';
import type { WorkerPolicy } from './policy.ts';

/** The product version; a test keeps it equal to package.json's. */
export const APP_VERSION = '0.1.0';

/** Every 4xx/5xx body. */
export interface ErrorBody {
  error: string;
  statusCode: number;
  /** Machine-readable and stable (e.g. `rate_limited`, `already_ended`, `upload_in_progress`): what a client branches on. */
  reason: string;
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
  /** Labels for targeting (`--tags room-b,gpu`, or set by the admin). */
  tags: string[];
  /** What people call it: the admin's name for it, else its hostname (or --name). */
  name: string;
  /** The admin paused it from the dashboard: it takes no jobs until resumed there. */
  pausedByAdmin: boolean;
  /** An offline worker with the same hostname that this one may replace (a re-installed PC), if any. */
  replaces: string | null;
  /** False while its policy keeps it from jobs (the PC is in use, or outside its hours): it is waiting, not offline. */
  available: boolean;
  availabilityReason: string | null;
  /** The policy it follows (its own, its tag's, or the lab's). */
  policy: WorkerPolicy;
  /** When the person at the PC paused it (null: not paused there). */
  pausedAt: number | null;
  /** When the admin paused it from the dashboard (null: not paused by the admin). */
  pausedByAdminAt: number | null;
}

export const TARGET_OS = ['win32', 'linux', 'darwin'] as const;
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `room-b, gpu` → ['room-b', 'gpu']; throws a sentence naming a tag that cannot be one. */
export function parseTagList(text: string): string[] {
  const tags = [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  const bad = tags.find((t) => !TAG_PATTERN.test(t) || t.length > LIMITS.tagLength);
  if (bad !== undefined) throw new Error(`"${bad.slice(0, 80)}" is not a tag: use letters, digits, ".", "_" and "-" (at most ${LIMITS.tagLength} characters).`);
  if (tags.length > LIMITS.maxTags) throw new Error(`At most ${LIMITS.maxTags} tags per worker.`);
  return tags;
}

/** Which workers may take a job: all given parts must match (every tag, the OS, one of the named workers). */
export interface JobTarget {
  workers?: string[];
  tags?: string[];
  os?: (typeof TARGET_OS)[number];
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
  /** The run this job belongs to, if any. */
  runId: string | null;
  /** The workers this job may go to (null: any). */
  target: JobTarget | null;
  /** A pending job not started by then fails with endReason `worker_offline` (ms; null: it waits as long as it takes). */
  deadlineAt: number | null;
  /** From the run's scorePattern: the last match's capture in the job's output (a number when it reads as one). */
  score: number | string | null;
  /** SHA-256 of the job's whole log once it ended (run jobs only), to group identical outputs. */
  outputDigest: string | null;
  /** Glob patterns of result files to bring back (relative to the folder the commands ran in). */
  artifactPatterns: string[];
  /** The result files the worker brought back (none until it uploaded them); listed in a job's status only, counted everywhere. */
  artifacts: ArtifactFile[];
  artifactCount: number;
  /** Counted from a junit.xml among the artifacts. */
  tests: TestCounts | null;
}

export interface ArtifactFile {
  path: string;
  size: number;
}

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export const RUN_MODES = ['each', 'map'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface RunSummary {
  total: number;
  pending: number;
  running: number;
  /** Completed with exit code 0. */
  passed: number;
  /** Completed with another exit code, or failed. */
  failed: number;
  cancelled: number;
  /** Pending jobs whose (only) worker is offline. */
  waitingOffline: number;
}

/** A run in the list: its settings and a summary derived from its jobs. */
export interface RunDto {
  runId: string;
  mode: RunMode;
  command: string;
  createdAt: number;
  /** When its last job ended (null while any is pending or running). */
  completedAt: number | null;
  target: JobTarget | null;
  maxParallel: number | null;
  scorePattern: string | null;
  timeoutSeconds: number;
  maxAttempts: number;
  deadlineSeconds: number;
  /** For each: the zip every PC runs (null: an empty folder); for map: null. */
  filename: string | null;
  summary: RunSummary;
}

export interface RunJobRow {
  jobId: string;
  workerId: string | null;
  hostname: string | null;
  filename: string;
  status: JobStatus;
  exitCode: number | null;
  endReason: EndReason | null;
  errorMessage: string | null;
  score: number | string | null;
  durationMs: number | null;
  startedAt: number | null;
  completedAt: number | null;
  outputDigest: string | null;
  tests: TestCounts | null;
}

export interface RunStatusDto extends RunDto {
  jobs: RunJobRow[];
  /** Ended jobs with byte-identical output, largest group first. */
  groups: { outputDigest: string; count: number; jobIds: string[] }[];
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
  /** Result files to bring back: glob patterns relative to the folder the commands ran in. */
  artifacts?: string[];
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
  /** Zips in one map run. */
  maxRunZips: 500,
  /** Jobs one run may create (a broadcast to every worker). */
  maxRunJobs: 10_000,
  tagLength: 64,
  maxTags: 32,
  maxArtifactPatterns: 20,
  artifactPatternLength: 200,
  /** Files one job's artifacts may hold. */
  maxArtifactFiles: 10_000,
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
