/** The shapes the dashboard reads, derived from the endpoint table (shared/endpoints): none written by hand. */
import type { AnswerOf, BodyOf } from '../../shared/endpoints/index.ts';
import type { DirectRunEvent, JobTarget, RunMode } from '../../shared/api.ts';
import type { GradingSettings } from '../../shared/grading.ts';
import type { ShellName } from '../../shared/shells.ts';

export type CoordinatorInfo = AnswerOf<'getCoordinatorInfo'>;
export type JoinTokenPolicy = NonNullable<CoordinatorInfo['joinTokenPolicy']>;
/** One address's join lines: with the join token (joins at once) and without (the PC asks; the admin approves). */
export type JoinLines = CoordinatorInfo['joinLines'][number];
export type JoinRequests = AnswerOf<'getWorkersJoinRequests'>;
/** A PC waiting for the admin to let it join. */
export type JoinRequest = JoinRequests['requests'][number];
/** Many asks to join in the last minute: shown as one line, with only the PCs still asking listed. */
export type JoinFlood = NonNullable<JoinRequests['flood']>;
/** Which waiting requests an approve or refuse is about. */
export type JoinDecision = BodyOf<'postWorkersJoinRequestsApprove'>;
/** A page of jobs (the dashboard always asks for a page, so total and nextBefore are there). */
export type JobPage = Required<Omit<AnswerOf<'getJobsCreate'>, 'count'>>;
export type RunPage = AnswerOf<'getRunsCreate'>;
export type RunCreated = AnswerOf<'postRunsCreate'>;
/** The lab's policy and its overrides (GET /api/workers/policy). */
export type LabPolicies = AnswerOf<'getWorkersPolicy'>;
/** One job from a zip the coordinator already has (POST /api/jobs/create). */
export type JobRequest = BodyOf<'postJobsCreate'>;
/** A saved command as kept, and as given to create or change one (every field again). */
export type TemplateDto = AnswerOf<'getTemplatesGet'>;
export type TemplateBody = BodyOf<'postTemplatesCreate'>;
/** One typed parameter of a saved command: text, number, boolean or choice, with a default and whether it is required. */
export type ParamDefinition = TemplateDto['params'][number];
/** A template's parameter values: text, numbers or booleans, checked by the coordinator against its definitions. */
export type ParamValues = NonNullable<BodyOf<'postTemplatesRun'>['params']>;
export type ScheduleDto = AnswerOf<'getSchedulesCreate'>['schedules'][number];
export type ScheduleBody = BodyOf<'postSchedulesCreate'>;
/** A cron expression in words, its time zone and its next five times (ms). */
export type SchedulePreview = AnswerOf<'getSchedulesPreview'>;
/** What a wake did: packets sent or relayed, and the chosen PCs awake, still offline, without a MAC, unreachable. */
export type WakeAnswer = AnswerOf<'postWorkersWake'>;
/** Shut down, restart or log off chosen PCs; the answer says who was told, who is in use, who is offline. */
export type PowerRequest = BodyOf<'postWorkersPower'>;
export type PowerAnswer = AnswerOf<'postWorkersPower'>;

/** What a new run asks for (POST /api/runs/create, JSON or multipart); the zips go with it as files, or one already uploaded by its fileUrl. */
export interface RunRequest {
  /** What to call the run (absent: it is described by its target or zips). */
  name?: string;
  mode: RunMode;
  commands: string;
  target?: JobTarget;
  timeoutSeconds?: number;
  maxAttempts?: number;
  maxParallel?: number;
  deadlineSeconds?: number;
  scorePattern?: string;
  /** Every job's shell (absent: each worker's default). */
  shell?: ShellName;
  /** The result files each job brings back (glob patterns). */
  artifacts?: string[];
  /** A grading run (map): points per test, the reports to read; its hidden tests and starter code go as RunParts. */
  grading?: GradingSettings;
  /** A grading run's students: CSV text (file, student, id, email). */
  students?: string;
  fileUrl?: string;
  filename?: string;
}

/** A grading run's zips besides the students': the hidden tests and the starter code. */
export interface RunParts {
  tests?: File;
  base?: File;
}

/** A run's similarity check, and one of its pairs. */
export type Similarity = AnswerOf<'getRunsSimilarity'>;
export type SimilarPair = Similarity['pairs'][number];

/** How the commands of an upload run: the limits, and for a job sent to a worker, which workers may take it. */
export interface SubmitOptions {
  mode?: 'distributed' | 'direct';
  timeoutSeconds?: number;
  maxAttempts?: number;
  target?: JobTarget;
  /** The shell each line runs in (absent: the default of the PC that runs it). */
  shell?: ShellName;
  /** The result files the job brings back (glob patterns; a job on a worker only). */
  artifacts?: string[];
  onEvent?: (event: DirectRunEvent) => void;
  /** A direct run's job id, as soon as the coordinator answers (before its output). */
  onJobId?: (jobId: string) => void;
}

/** A download that needs the Authorization header, and the file name the coordinator suggests. */
export interface Download {
  blob: Blob;
  fileName: string;
}

/** Whom a policy is for: one worker, the workers with a tag, or (neither) the whole lab. */
export interface PolicyScope {
  workerId?: string;
  tag?: string;
}
/** How one may sign in: a password, the admin token, the school's accounts (with the words of its button). */
export type SessionOptions = AnswerOf<'getSessionOptions'>;
export type SignInBody = BodyOf<'postSessionLogin'>;
export type NewUser = BodyOf<'postUsersCreate'>;
export type UserChange = BodyOf<'postUsersUpdate'>;
export type AuditPage = AnswerOf<'getAudit'>;
/** The Activity page's filters: who, what (an action or its start: `runs.`), about what (`job:ID`), since when (an ISO date). */
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
}
export type { AuditEntryDto, SessionDto, TokenDto, UserDto } from '../../shared/roles.ts';
