/**
 * Wire contract between coordinator, worker and dashboard: what the API answers, as zod schemas (the
 * endpoint table, the OpenAPI document and the typed client use them; the types are inferred from
 * them), and the limits. Request bodies: api-schemas.ts.
 */
import { z } from 'zod';
import { suspensionFields } from './on-hold.ts';
import { END_REASONS, JOB_STATUSES, WORKER_STATUSES } from './job-status.ts';
import { workerPolicy } from './policy-schema.ts';
import { REFUSALS } from './refusals.ts';
import { shellSchema } from './shells.ts';
import { VERDICTS } from './verdict.ts';
import { gradedJobFields } from './graded-job.ts';
import { lanInterfaceDto, workerPowerDto } from './power-schema.ts';

export * from './log-dtos.ts';
export { LIMITS } from './limits.ts';
import { LIMITS } from './limits.ts';

/** The product version; a test keeps it equal to package.json's. */
export const APP_VERSION = '0.1.0';

/** Every 4xx/5xx body. */
export const errorBody = z
  .object({
    error: z.string(),
    statusCode: z.number().int(),
    /** Machine-readable and stable (e.g. `rate_limited`, `already_ended`, `upload_in_progress`): what a client branches on. */
    reason: z.enum(Object.keys(REFUSALS) as [keyof typeof REFUSALS, ...(keyof typeof REFUSALS)[]]).meta({
      description: 'machine-readable and stable, e.g. rate_limited, already_ended, upload_in_progress',
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;

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
export const jobTargetDto = z.object({ workers: z.array(z.string()).optional(), tags: z.array(z.string()).optional(), os: z.enum(TARGET_OS).optional() });
export type JobTarget = z.infer<typeof jobTargetDto>;

export const workerDto = z
  .object({
    workerId: z.string(),
    hostname: z.string(),
    os: z.string().nullable(),
    cpuCount: z.number().nullable(),
    status: z.enum(WORKER_STATUSES),
    lastHeartbeat: z.number(),
    version: z.string().nullable(),
    /** The job the coordinator has assigned to this worker, if any. */
    currentJobId: z.string().nullable(),
    registeredAt: z.number(),
    /** Paused from the worker's own screen: registered and heartbeating, but taking no jobs. */
    paused: z.boolean(),
    /** What this worker says it cannot protect on its PC (e.g. jobs run as its own user). */
    warnings: z.array(z.string()),
    /** Labels for targeting (`--tags room-b,gpu`, or set by the admin). */
    tags: z.array(z.string()),
    /** What people call it: the admin's name for it, else its hostname (or --name). */
    name: z.string(),
    /** The admin paused it from the dashboard: it takes no jobs until resumed there. */
    pausedByAdmin: z.boolean(),
    /** An offline worker with the same hostname that this one may replace (a re-installed PC), if any. */
    replaces: z.string().nullable(),
    /** False while its policy keeps it from jobs (the PC is in use, or outside its hours): it is waiting, not offline. */
    available: z.boolean(),
    availabilityReason: z.string().nullable(),
    /** The policy it follows (its own, its tag's, or the lab's). */
    policy: workerPolicy,
    /** When the person at the PC paused it (null: not paused there). */
    pausedAt: z.number().nullable(),
    /** When the admin paused it from the dashboard (null: not paused by the admin). */
    pausedByAdminAt: z.number().nullable(),
    /** Its job is on hold (the student is at the PC) since then (ms; null: not on hold). */
    suspendedSince: z.number().nullable(),
    /** Its IPv4 interfaces as it last reported them: what a magic packet needs to wake it. */
    interfaces: z.array(lanInterfaceDto),
    /** Someone used its keyboard or mouse within the policy's idle minutes, at its last heartbeat. */
    inUse: z.boolean(),
    /** The last power action asked of it and what became of it (null: none since it started). */
    power: workerPowerDto.nullable(),
  })
  .meta({ id: 'Worker' });
export type WorkerDto = z.infer<typeof workerDto>;

export const artifactFile = z.object({ path: z.string(), size: z.number() });
export type ArtifactFile = z.infer<typeof artifactFile>;

export const testCounts = z.object({ total: z.number(), passed: z.number(), failed: z.number(), skipped: z.number() });
export type TestCounts = z.infer<typeof testCounts>;

const score = z.union([z.number(), z.string()]).nullable();

export const jobDto = z
  .object({
    jobId: z.string(),
    status: z.enum(JOB_STATUSES),
    workerId: z.string().nullable(),
    /** What people call its worker: the admin's name for it, else its hostname; its id when the coordinator keeps no row for it (a direct run's `coordinator`, a forgotten worker); null while no worker took it. */
    workerName: z.string().nullable(),
    command: z.string(),
    filename: z.string(),
    fileUrl: z.string(),
    stdout: z.string(),
    stderr: z.string(),
    exitCode: z.number().nullable(),
    errorMessage: z.string().nullable(),
    /** Why the job ended, as a value (null while it has not). */
    endReason: z.enum(END_REASONS).nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    completedAt: z.number().nullable(),
    timeoutSeconds: z.number(),
    maxAttempts: z.number(),
    attempts: z.number(),
    /** The shell its lines run in (null: the worker's default, cmd on Windows and sh elsewhere). */
    shell: shellSchema.nullable(),
    cancelRequested: z.boolean(),
    /** When the worker started the first command (ms), as it reported with the result. */
    commandStartedAt: z.number().nullable(),
    /** The run this job belongs to, if any. */
    runId: z.string().nullable(),
    /** The workers this job may go to (null: any). */
    target: jobTargetDto.nullable(),
    /** A pending job not started by then fails with endReason `worker_offline` (ms; null: it waits as long as it takes). */
    deadlineAt: z.number().nullable(),
    /** From the run's scorePattern: the last match's capture in the job's output (a number when it reads as one). */
    score,
    /** SHA-256 of the job's whole log once it ended (run jobs only), to group identical outputs. */
    outputDigest: z.string().nullable(),
    /** Glob patterns of result files to bring back (relative to the folder the commands ran in). */
    artifactPatterns: z.array(z.string()),
    /** The result files the worker brought back (none until it uploaded them); listed in a job's status only, counted everywhere. */
    artifacts: z.array(artifactFile),
    artifactCount: z.number(),
    /** Counted from a junit.xml among the artifacts. */
    tests: testCounts.nullable(),
    /** What it came to (null while it has not ended): passed, failed, timed_out, error or cancelled. */
    verdict: z.enum(VERDICTS).nullable(),
    /** Made from a saved command (template): which, and the parameter values it ran with. */
    templateId: z.string().nullable(),
    params: z.record(z.string(), z.string()).nullable(),
    ...suspensionFields,
  })
  .meta({ id: 'Job' });
export type JobDto = z.infer<typeof jobDto>;

export const RUN_MODES = ['each', 'map'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const runSummary = z.object({
  total: z.number(),
  pending: z.number(),
  running: z.number(),
  /** Completed with exit code 0. */
  passed: z.number(),
  /** Completed with another exit code, or failed. */
  failed: z.number(),
  cancelled: z.number(),
  /** Pending jobs whose (only) worker is offline. */
  waitingOffline: z.number(),
});
export type RunSummary = z.infer<typeof runSummary>;

/** A run in the list: its settings and a summary derived from its jobs. */
export const runDto = z
  .object({
    runId: z.string(),
    /** What the admin called it (null: unnamed, shown by its zips or command). A re-run keeps it, numbered "(2)". */
    name: z.string().nullable(),
    mode: z.enum(RUN_MODES),
    command: z.string(),
    createdAt: z.number(),
    /** When its last job ended (null while any is pending or running). */
    completedAt: z.number().nullable(),
    target: jobTargetDto.nullable(),
    maxParallel: z.number().nullable(),
    scorePattern: z.string().nullable(),
    timeoutSeconds: z.number(),
    maxAttempts: z.number(),
    deadlineSeconds: z.number(),
    /** The shell every job of the run runs its lines in (null: each worker's default). */
    shell: shellSchema.nullable(),
    /** For each: the zip every PC runs (null: an empty folder); for map: null. */
    filename: z.string().nullable(),
    summary: runSummary,
    /** A grading run: where its hidden tests are, its point rules and the reports it reads (null: not a grading run). */
    grading: z
      .object({
        testsUrl: z.string().nullable(),
        baseUrl: z.string().nullable(),
        points: z.array(z.object({ test: z.string(), points: z.number() })),
        defaultPoints: z.number(),
        report: z.array(z.string()),
      })
      .nullable(),
    /** The run this one re-runs (Re-run failed), and the runs made by re-running this one, oldest first. */
    rerunOf: z.string().nullable(),
    reruns: z.array(z.string()),
  })
  .meta({ id: 'Run' });
export type RunDto = z.infer<typeof runDto>;

export const runJobRow = z.object({
  jobId: z.string(),
  workerId: z.string().nullable(),
  hostname: z.string().nullable(),
  /** What the dashboard calls its PC: the admin's name for it, else its hostname. */
  workerName: z.string().nullable(),
  filename: z.string(),
  status: z.enum(JOB_STATUSES),
  exitCode: z.number().nullable(),
  endReason: z.enum(END_REASONS).nullable(),
  errorMessage: z.string().nullable(),
  score,
  durationMs: z.number().nullable(),
  startedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
  outputDigest: z.string().nullable(),
  tests: testCounts.nullable(),
  verdict: z.enum(VERDICTS).nullable(),
  ...suspensionFields,
  ...gradedJobFields,
});
export type RunJobRow = z.infer<typeof runJobRow>;

/** A job's newest attempt in a later re-run of its run: the same PC (each) or zip (map), and the job it stands for. */
export const laterAttempt = runJobRow.extend({ runId: z.string(), replaces: z.string() });
export type LaterAttempt = z.infer<typeof laterAttempt>;

export const runStatusDto = runDto
  .extend({
    jobs: z.array(runJobRow),
    /** For each job re-run since (Re-run failed, or all), its newest attempt: the class's latest results in one place. */
    latest: z.array(laterAttempt),
    /** Ended jobs with byte-identical output, largest group first. */
    groups: z.array(z.object({ outputDigest: z.string(), count: z.number(), jobIds: z.array(z.string()) })),
  })
  .meta({ id: 'RunStatus' });
export type RunStatusDto = z.infer<typeof runStatusDto>;

/** One Server-Sent Event of a direct run (POST /api/execute with mode=direct). */
export type DirectRunEvent =
  { event: 'stdout' | 'stderr'; data: { data: string } } | { event: 'exit'; data: { exitCode: number } } | { event: 'error'; data: { error: string } };

/** A job as handed to a worker by get-job. */
export const assignedJobDto = z.object({
  jobId: z.string(),
  command: z.string(),
  fileUrl: z.string(),
  filename: z.string(),
  timeoutSeconds: z.number(),
  /** The shell to run each line in; absent or null: the worker's default (cmd on Windows, sh elsewhere). */
  shell: shellSchema.nullish(),
  /** SHA-256 of the zip when it is one of the coordinator's uploads: a worker checks its cached copy against it. */
  fileSha256: z.string().nullish(),
  /** The first log seq of this attempt (a retried job's log goes on after the earlier attempt's); 0 if absent. */
  logStart: z.number().optional(),
  /** Result files to bring back: glob patterns relative to the folder the commands ran in. */
  artifacts: z.array(z.string()).optional(),
  /** A template's parameter values by name: each reaches the job as CMDX_PARAM_<NAME>, and {{name}} in the commands refers to it. */
  params: z.record(z.string(), z.string()).optional(),
  /** A grading run's hidden tests: a zip unpacked over the project's folder just before the commands (its files win). */
  tests: z.object({ fileUrl: z.string(), fileSha256: z.string().nullish() }).optional(),
});
export type AssignedJobDto = z.infer<typeof assignedJobDto>;

/** Worker ids end up in logs, file names and URLs, so they are kept to a safe alphabet. */
export const WORKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
