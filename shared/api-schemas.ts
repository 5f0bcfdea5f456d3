/** Request schemas (zod) for the coordinator's JSON endpoints; only the coordinator loads zod. */
import { z } from 'zod';
import { LIMITS, OUTPUT_STREAMS, RUN_MODES, TAG_PATTERN, TARGET_OS, WORKER_ID_PATTERN } from './api.ts';
import { ON_USER_RETURN, POLICY_WHEN, PRIORITIES } from './policy.ts';
import { WORKER_END_REASONS } from './job-status.ts';
import { DIRECT_WORKER_ID } from './targets.ts';
import { SHELLS } from './shells.ts';
import { lanInterfaces, powerReport } from './power-schema.ts';
import { POWER_ACTIONS, WAKE_LIMITS } from './wake.ts';

const workerId = z.string().min(1).max(LIMITS.idLength).regex(WORKER_ID_PATTERN, 'may contain only letters, digits, ".", "_" and "-"');
const jobId = z.string().min(1).max(LIMITS.idLength);
const runId = z.string().min(1).max(LIMITS.idLength);

/** A tag: what fits in a command line and a CSS class alike. */
export const tag = z.string().min(1).max(LIMITS.tagLength).regex(TAG_PATTERN, 'a tag may contain only letters, digits, ".", "_" and "-"');
export const tags = z.array(tag).max(LIMITS.maxTags);

export { artifactPatterns } from './artifact-patterns.ts';
import { artifactPatterns } from './artifact-patterns.ts';
import { gradingSettings, GRADING_LIMITS } from './grading.ts';

/** Which workers may take a job; at least one part, all of them must match. */
export const jobTarget = z
  .object({
    workers: z.array(workerId).min(1).max(LIMITS.maxRunJobs).optional(),
    tags: tags.min(1).optional(),
    os: z.enum(TARGET_OS).optional(),
  })
  .strict()
  .refine((t) => t.workers !== undefined || t.tags !== undefined || t.os !== undefined, 'a target names workers, tags or an os');

/** The id direct runs on the coordinator are recorded under: no worker may take it (its token would own those jobs). */
const newWorkerId = workerId.refine(
  (id) => id.toLowerCase() !== DIRECT_WORKER_ID,
  `"${DIRECT_WORKER_ID}" is reserved for direct runs on the coordinator; pick another id`,
);

// Control characters (escape sequences among them), DEL, C1, bidi overrides and invisible characters
// (zero-width, word joiner, BOM) that make two names look alike: nothing a name shown in a table may hold.
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** A name people read (a hostname, a worker's display name): printable text of bounded length. */
export const printable = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !UNPRINTABLE.test(text), 'must be printable text, without control characters');

export const registerBody = z.object({
  workerId: newWorkerId,
  hostname: printable(LIMITS.hostnameLength).trim().min(1),
  os: printable(LIMITS.shortText).nullish(),
  cpuCount: z.number().int().min(0).max(65536).nullish(),
  version: printable(LIMITS.shortText).nullish(),
  /** What the worker cannot protect on its PC (e.g. jobs can read its files), for the dashboard. */
  warnings: z.array(z.string().max(500)).max(10).optional(),
  tags: tags.optional(),
  /** Its non-internal IPv4 interfaces (MAC, address, broadcast), for waking it up later; absent: keep what the coordinator has. */
  interfaces: lanInterfaces.optional(),
});

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** A worker's peer server: its port, its certificate's fingerprint (pinned by receivers), the zips it holds whole. */
export const peerServer = z.object({
  port: z.number().int().min(1).max(65535),
  fingerprint: sha256,
  holds: z.array(sha256).max(16),
});

export const heartbeatBody = z.object({
  workerId,
  /** The job the worker is running now (null when idle); lets the coordinator notice a job that never arrived. */
  jobId: jobId.nullish(),
  /** Paused workers take no jobs; the dashboard shows them as paused. */
  paused: z.boolean().optional(),
  /** First heartbeat of a restarted worker process: jobs assigned to its previous process are lost. */
  restarted: z.boolean().optional(),
  /** Sent with the first heartbeat of a process: see registerBody. */
  warnings: z.array(z.string().max(500)).max(10).optional(),
  /** Whether its policy lets it run jobs now, and why not. */
  available: z.boolean().optional(),
  reason: z.string().max(500).nullish(),
  /** Its job is frozen now because the PC's user is back (the lab's policy). */
  suspended: z.boolean().optional(),
  /** Its interfaces, when they changed since it last said (and in a restarted process's first heartbeat). */
  interfaces: lanInterfaces.optional(),
  /** Someone used the keyboard or mouse within the policy's idle minutes (the idle source the policies read); a power action without `force` skips such a PC. */
  inUse: z.boolean().optional(),
  /** What became of the power action it was given: going ahead, skipped (someone uses the PC), or failed. */
  power: powerReport.nullish(),
  /** Its server for zips its peers fetch (absent: it serves none); the coordinator hands it out with tickets. */
  peer: peerServer.optional(),
});

/** POST /api/jobs/zip-source: where to fetch a zip of the job this worker runs now (its project or hidden tests). */
/** A peer a worker may fetch a zip from: its address (https://address:port/blobs/<sha256>), the certificate to pin, a ticket (a minute), the size. */
export const peerSource = z.object({ workerId: z.string(), url: z.string(), fingerprint: z.string(), ticket: z.string(), size: z.number() });
export type PeerSource = z.infer<typeof peerSource>;
export const zipSourceBody = z.object({ workerId, jobId, fileUrl: z.string().min(1).max(LIMITS.fileUrlLength) });

/** A stopping worker says so; `poweringOff`: because its PC shuts down, restarts or logs off (not a crash). */
export const goodbyeBody = z.object({ workerId, poweringOff: z.boolean().optional() });

/**
 * The shell a job's command lines run in (shared/shells.ts); absent or null: the worker's default (cmd on
 * Windows, sh elsewhere), chosen by the worker since only it knows its OS. The coordinator and `cmdx submit` check it alike.
 */
export const jobShell = z.enum(SHELLS, {
  error: (issue) =>
    `must be one of ${SHELLS.join(', ')} (got ${String(JSON.stringify(issue.input)).slice(0, 50)}); leave it out for the worker's default (cmd on Windows, sh elsewhere)`,
});

export const createJobBody = z.object({
  command: z.string().min(1).max(LIMITS.commandLength),
  fileUrl: z.string().min(1).max(LIMITS.fileUrlLength),
  filename: z.string().min(1).max(LIMITS.shortText),
  timeoutSeconds: z.number().int().min(1).max(LIMITS.maxTimeoutSeconds).optional(),
  maxAttempts: z.number().int().min(1).max(LIMITS.maxAttempts).optional(),
  target: jobTarget.optional(),
  artifacts: artifactPatterns.optional(),
  shell: jobShell.nullish(),
});

export const workerTagsBody = z.object({ workerId, tags });
export const renameWorkerBody = z.object({ workerId, name: printable(LIMITS.hostnameLength).trim().nullable() });
export const pauseWorkerBody = z.object({ workerId, paused: z.boolean() });
export const replaceWorkerBody = z.object({ workerId, replaces: workerId });

/** POST /api/runs/create (JSON, or the fields of a multipart form with the zips as `file` parts). */
/** A run's name: printable, trimmed, bounded (it is shown in tables and becomes part of file names). */
export const runName = printable(LIMITS.runNameLength).trim().min(1);

export const createRunBody = z.object({
  /** Shown everywhere, and the start of its exports' file names. */
  name: runName.optional(),
  /** A grading run (map mode): hidden tests, points per test, the reports to read. */
  grading: gradingSettings.optional(),
  /** A grading run's students: CSV text with a header row (file, student, id, email). */
  students: z.string().max(GRADING_LIMITS.maxStudentsCsvBytes).optional(),
  mode: z.enum(RUN_MODES),
  commands: z.string().min(1).max(LIMITS.commandLength),
  target: jobTarget.optional(),
  timeoutSeconds: z.number().int().min(1).max(LIMITS.maxTimeoutSeconds).optional(),
  maxAttempts: z.number().int().min(1).max(LIMITS.maxAttempts).optional(),
  maxParallel: z.number().int().min(1).max(LIMITS.maxRunJobs).optional(),
  deadlineSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600)
    .optional(),
  scorePattern: z.string().min(1).max(1000).optional(),
  artifacts: artifactPatterns.optional(),
  /** Every job of the run runs its lines in this shell (absent or null: each worker's default). */
  shell: jobShell.nullish(),
  /** For a JSON broadcast: a zip already uploaded (or an http(s) URL) instead of a file part. */
  fileUrl: z.string().min(1).max(LIMITS.fileUrlLength).optional(),
  filename: z.string().min(1).max(LIMITS.shortText).optional(),
});

/** POST /api/workers/policy: for one worker, every worker with a tag, or (neither) the whole lab; `clear` removes that override. */
export const policyBody = z
  .object({
    workerId: workerId.optional(),
    tag: tag.optional(),
    clear: z.boolean().optional(),
    when: z.enum(POLICY_WHEN).optional(),
    idleMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    windows: z.string().max(500).nullish(),
    onUserReturn: z.enum(ON_USER_RETURN).optional(),
    priority: z.enum(PRIORITIES).optional(),
    notices: z.boolean().optional(),
  })
  .refine((b) => !(b.workerId && b.tag), 'give workerId or tag, not both')
  .refine((b) => b.clear || b.when !== undefined, 'give "when" (always, idle or schedule), or clear: true')
  .refine((b) => b.when !== 'schedule' || !!b.windows, 'a schedule needs windows, e.g. "Mon-Fri 18:00-07:30"');

export const runIdBody = z.object({ runId });
export const rerunBody = z.object({
  runId,
  only: z.enum(['failed', 'all']),
  /** Only these jobs of the run (one student's, say), whatever their outcome. */
  jobIds: z.array(jobId).min(1).max(LIMITS.maxRunZips).optional(),
  /** A grading run's new hidden tests (the /uploads/… URL of an upload; or the "tests" part of a multipart body). */
  testsUrl: z.string().min(1).max(LIMITS.fileUrlLength).optional(),
});

/** POST /api/runs/rename: a new name, or null to go back to the run's description. */
export const renameRunBody = z.object({ runId, name: runName.nullable() });

export const submitResultBody = z.object({
  jobId,
  workerId,
  stdout: z.string().nullish(),
  stderr: z.string().nullish(),
  exitCode: z.number().int().min(-2147483648).max(4294967295),
  /** When the first command's process started on the worker (ms since epoch). */
  commandStartedAt: z.number().int().min(0).optional(),
  /** The worker is free for its next job: the answer carries it (one round trip per job instead of two). */
  takeNext: z.boolean().optional(),
});

export const failureBody = z.object({
  jobId,
  workerId,
  errorMessage: z.string().max(LIMITS.errorMessageLength).nullish(),
  commandStartedAt: z.number().int().min(0).optional(),
  /** Why the job could not run to an exit code (our workers say; a seed-style worker does not). */
  endReason: z.enum(WORKER_END_REASONS).optional(),
  takeNext: z.boolean().optional(),
});

export const cancelBody = z.object({ jobId });

export const logChunk = z.object({
  stream: z.enum(OUTPUT_STREAMS),
  seq: z.number().int().min(0).max(1_000_000_000),
  data: z.string(),
  time: z.number().int().min(0).max(8_640_000_000_000_000).optional(),
});

export const logBody = z.object({
  jobId,
  workerId,
  chunks: z.array(logChunk).max(1000),
});

/** A PC asking to join without a join token (no auth: the admin approves it on the dashboard). */
export const joinRequestBody = registerBody.extend({
  /** SHA-256 (64 hex) of a secret the PC keeps: it proves the PC when it collects its token. */
  key: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256 of the secret the PC keeps)'),
});

export const joinDecisionBody = z
  .object({ requestIds: z.array(z.string().min(1).max(LIMITS.idLength)).max(1000).optional(), all: z.boolean().optional() })
  .refine((b) => b.all === true || (b.requestIds?.length ?? 0) > 0, 'give requestIds, or all: true');

export const revokeBody = z.object({ workerId });

/** Which workers a wake or power request is for: named ones, or those a target matches (as a job's target). */
const chosenWorkers = {
  workerIds: z.array(workerId).min(1).max(LIMITS.maxRunJobs).optional(),
  target: jobTarget.optional(),
};
const oneChoice = [
  (b: { workerIds?: unknown; target?: unknown }) => (b.workerIds === undefined) !== (b.target === undefined),
  'give workerIds (a list of worker ids) or target (workers, tags or os), one of them',
] as const;

/** POST /api/workers/wake: magic packets for the chosen workers that are offline; wait up to waitSeconds for them to come back. */
export const wakeBody = z
  .object({ ...chosenWorkers, waitSeconds: z.number().int().min(0).max(WAKE_LIMITS.maxWaitSeconds).optional() })
  .strict()
  .refine(...oneChoice);

/** POST /api/workers/power: shut down, restart or log off the chosen PCs, after delaySeconds; force: even where someone is using the PC. */
export const powerBody = z
  .object({
    ...chosenWorkers,
    action: z.enum(POWER_ACTIONS, { error: `action must be one of ${POWER_ACTIONS.join(', ')}` }),
    delaySeconds: z.number().int().min(0).max(WAKE_LIMITS.maxPowerDelaySeconds).optional(),
    force: z.boolean().optional(),
  })
  .strict()
  .refine(...oneChoice);

export const rotateJoinTokenBody = z.object({
  /** How many PCs may join with the new token (none: no limit). */
  maxUses: z.number().int().min(1).max(100_000).nullish(),
  /** Until when (ms since epoch; none: no expiry). */
  expiresAt: z.number().int().min(0).nullish(),
});
