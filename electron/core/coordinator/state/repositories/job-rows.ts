/** A row of the jobs table as the coordinator reads it, and as the API shows it (JobDto) or hands it to a worker. */
import type { AssignedJobDto, JobDto, JobTarget } from '../../../../../shared/api.ts';
import type { ArtifactFile, TestCounts } from '../../../../../shared/api.ts';
import { END_REASONS, JOB_STATUSES, type JobOutcome, type JobStatus } from '../../../../../shared/job-status.ts';
import { SHELLS, type ShellName } from '../../../../../shared/shells.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { verdictOf } from '../../../../../shared/verdict.ts';
import { int, intOrNull, numberOrNull, oneOf, text, textOrNull, type Row } from '../row.ts';
import type { EndJob, JobFacts } from '../../jobs/lifecycle.ts';

export interface JobRecord extends JobFacts {
  /** Row number: the queue order and the output's foreign key. */
  seq: number;
  command: string;
  fileUrl: string;
  filename: string;
  exitCode: number | null;
  endReason: EndJob['endReason'] | null;
  createdAt: number;
  completedAt: number | null;
  commandStartedAt: number | null;
  fileSha256: string | null;
  runId: string | null;
  target: JobTarget | null;
  deadlineAt: number | null;
  score: number | string | null;
  outputDigest: string | null;
  artifactPatterns: string[];
  artifacts: ArtifactFile[];
  tests: TestCounts | null;
  /** null: the worker's default shell. */
  shell: ShellName | null;
  /** On hold since (the coordinator's clock; null: not on hold), and for how long it was held before. */
  suspendedSince: number | null;
  suspendedMs: number;
  /** A grading run's hidden tests (an upload), unpacked over the student's folder before the commands. */
  testsUrl: string | null;
  testsSha256: string | null;
  /** From its test report: points earned and possible (null until one was read), and the first failing test. */
  points: number | null;
  maxPoints: number | null;
  firstFailure: { test: string; message: string | null } | null;
  comment: string | null;
  /** Made from a saved command: which, and the parameter values it ran with (as text). */
  templateId: string | null;
  params: Record<string, string> | null;
}

export interface CreateJobInput {
  command: string;
  fileUrl: string;
  filename: string;
  timeoutSeconds?: number;
  maxAttempts?: number;
  /** SHA-256 of the zip when it is one of our uploads. */
  fileSha256?: string | null;
  /** Normalised (see targeting.ts); null: any worker. */
  target?: JobTarget | null;
  runId?: string | null;
  deadlineAt?: number | null;
  artifactPatterns?: string[];
  /** The shell its lines run in; absent or null: the worker's default. */
  shell?: ShellName | null;
  /** A grading run's hidden tests. */
  testsUrl?: string | null;
  testsSha256?: string | null;
  templateId?: string | null;
  params?: Record<string, string> | null;
}

export interface JobPageQuery {
  status?: JobStatus;
  outcome?: JobOutcome;
  limit: number;
  /** Job id cursor: only jobs created before this one. */
  before?: string;
  /** Only jobs in this scope (absent or null: every job). */
  scope?: Scope | null;
}

const ENDED_BY = ['worker', 'coordinator'] as const;

export function toRecord(row: Row): JobRecord {
  return {
    seq: int(row, 'seq'),
    jobId: text(row, 'job_id'),
    status: oneOf(row, 'status', JOB_STATUSES),
    workerId: textOrNull(row, 'worker_id'),
    command: text(row, 'command'),
    fileUrl: text(row, 'file_url'),
    filename: text(row, 'filename'),
    exitCode: intOrNull(row, 'exit_code'),
    errorMessage: textOrNull(row, 'error_message'),
    endReason: row.end_reason === null ? null : oneOf(row, 'end_reason', END_REASONS),
    createdAt: int(row, 'created_at'),
    startedAt: intOrNull(row, 'started_at'),
    completedAt: intOrNull(row, 'completed_at'),
    timeoutSeconds: int(row, 'timeout_seconds'),
    maxAttempts: int(row, 'max_attempts'),
    attempts: int(row, 'attempts'),
    cancelRequested: int(row, 'cancel_requested') === 1,
    endedBy: row.ended_by === null ? null : oneOf(row, 'ended_by', ENDED_BY),
    commandStartedAt: intOrNull(row, 'command_started_at'),
    fileSha256: textOrNull(row, 'file_sha256'),
    runId: textOrNull(row, 'run_id'),
    target: row.target === null ? null : (JSON.parse(text(row, 'target')) as JobTarget),
    deadlineAt: intOrNull(row, 'deadline_at'),
    score: row.score === null ? null : (JSON.parse(text(row, 'score')) as number | string),
    outputDigest: textOrNull(row, 'output_digest'),
    artifactPatterns: JSON.parse(text(row, 'artifact_patterns')) as string[],
    artifacts: JSON.parse(text(row, 'artifacts')) as ArtifactFile[],
    tests: row.tests === null ? null : (JSON.parse(text(row, 'tests')) as TestCounts),
    shell: row.shell === null ? null : oneOf(row, 'shell', SHELLS),
    suspendedSince: intOrNull(row, 'suspended_since'),
    suspendedMs: int(row, 'suspended_ms'),
    testsUrl: textOrNull(row, 'tests_url'),
    testsSha256: textOrNull(row, 'tests_sha256'),
    points: numberOrNull(row, 'points'),
    maxPoints: numberOrNull(row, 'max_points'),
    firstFailure: row.first_failure === null ? null : (JSON.parse(text(row, 'first_failure')) as JobRecord['firstFailure']),
    comment: textOrNull(row, 'comment'),
    templateId: textOrNull(row, 'template_id'),
    params: row.params === null ? null : (JSON.parse(text(row, 'params')) as Record<string, string>),
  };
}

/** The job as the API shows it, its worker by `workerName`; `output` only where the caller read it (the list and live feed leave it out). */
export function toJobDto(job: JobRecord, workerName: string | null, output?: { stdout: string; stderr: string }): JobDto {
  return {
    jobId: job.jobId,
    status: job.status,
    workerId: job.workerId,
    workerName,
    command: job.command,
    filename: job.filename,
    fileUrl: job.fileUrl,
    stdout: output?.stdout ?? '',
    stderr: output?.stderr ?? '',
    exitCode: job.exitCode,
    errorMessage: job.errorMessage,
    endReason: job.endReason,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    timeoutSeconds: job.timeoutSeconds,
    maxAttempts: job.maxAttempts,
    attempts: job.attempts,
    shell: job.shell,
    cancelRequested: job.cancelRequested,
    commandStartedAt: job.commandStartedAt,
    runId: job.runId,
    target: job.target,
    deadlineAt: job.deadlineAt,
    score: job.score,
    outputDigest: job.outputDigest,
    artifactPatterns: job.artifactPatterns,
    // Lists and the live feed carry the count only: a listing may hold thousands of names.
    artifacts: output ? job.artifacts : [],
    artifactCount: job.artifacts.length,
    tests: job.tests,
    verdict: verdictOf(job),
    templateId: job.templateId,
    params: job.params,
    ...suspension(job),
  };
}

/** On hold only while running: a job that ended while frozen is not on hold any more. */
export function suspension(job: Pick<JobRecord, 'status' | 'suspendedSince' | 'suspendedMs'>): {
  suspended: boolean;
  suspendedSince: number | null;
  suspendedMs: number;
} {
  const suspended = job.status === 'running' && job.suspendedSince !== null;
  return { suspended, suspendedSince: suspended ? job.suspendedSince : null, suspendedMs: job.suspendedMs };
}

export function toAssignedJob(job: JobRecord): AssignedJobDto {
  const assigned: AssignedJobDto = { jobId: job.jobId, command: job.command, fileUrl: job.fileUrl, filename: job.filename, timeoutSeconds: job.timeoutSeconds };
  // Only for our own uploads: a seed-style job keeps the seed's exact shape.
  if (job.fileSha256) assigned.fileSha256 = job.fileSha256;
  if (job.artifactPatterns.length) assigned.artifacts = job.artifactPatterns;
  if (job.shell) assigned.shell = job.shell;
  if (job.params) assigned.params = job.params;
  if (job.testsUrl) assigned.tests = { fileUrl: job.testsUrl, fileSha256: job.testsSha256 };
  return assigned;
}
