/** The flags of `cmdx submit|logs|status|...` (the terminal client), declared once: parsing, --help and the table in docs/operations.md read this. */
import { LIMITS } from '../../../shared/api.ts';
import type { OptionTable } from './option-table.ts';

export const CLIENT_OPTIONS = {
  server: {
    type: 'string',
    arg: 'URL',
    env: 'CMDX_SERVER',
    defaultText: '`$CMDX_SERVER`, else the profile (`cmdx login`)',
    help: 'the coordinator, e.g. `https://192.168.1.10:3000`, or its join line `cmdx://…/?fp=…` (address and fingerprint); plain `http://` only to this PC unless `--insecure-http`',
  },
  // The environment and the profile keep the token out of `ps`; it is sent only in the Authorization header.
  token: {
    type: 'string',
    arg: 'TOKEN',
    env: 'CMDX_TOKEN',
    defaultText: '`$CMDX_TOKEN`, else the profile',
    help: "the coordinator's admin token (prefer the environment or `cmdx login`: a flag shows in `ps`); never printed",
  },
  fingerprint: {
    type: 'string',
    arg: 'SHA256',
    env: 'CMDX_FINGERPRINT',
    defaultText: '`$CMDX_FINGERPRINT`, else the profile',
    help: "the SHA-256 of the coordinator's certificate (the dashboard shows it): an `https://` coordinator is trusted only with it",
  },
  'insecure-http': {
    type: 'boolean',
    help: 'allow plain `http://` to a coordinator on another PC (the token and the output cross the network in clear)',
  },
  run: {
    type: 'string',
    arg: 'COMMAND',
    multiple: true,
    help: '`submit`: a command line to run; repeat for more lines, run in order and stopped at the first that fails',
  },
  on: {
    type: 'string',
    arg: 'WHERE',
    help: '`submit`: a run with one job per PC: `all`, `tag:NAME[,NAME]` (PCs with every tag) or `worker:ID[,ID]`; without it, one job for any idle worker',
  },
  artifacts: {
    type: 'string',
    arg: 'GLOB',
    multiple: true,
    help: '`submit`: result files to bring back, relative to the job folder (e.g. `junit.xml`, `coverage/**`); repeat for more',
  },
  follow: {
    type: 'boolean',
    short: 'f',
    help: "`submit`, `logs`: stream the job's log as it comes (stderr in red), or a run's per-PC summary, until it ends",
  },
  raw: {
    type: 'boolean',
    help: "`submit`, `logs`: a job's bytes as they came, escape sequences and all, into a pipe or file only (on a terminal, only colours pass)",
  },
  timestamps: {
    type: 'boolean',
    help: "`logs`: `[HH:MM:SS.mmm] ` (local time) before each line: when the worker read it, as the dashboard's Timestamps show it",
  },
  wait: { type: 'boolean', help: "`submit`: wait for the end and exit with the job's exit code (a run: 0 only if every job passed)" },
  timeout: {
    type: 'number',
    arg: 'SECONDS',
    min: 1,
    max: LIMITS.maxTimeoutSeconds,
    integer: true,
    defaultText: "the coordinator's (`3600`)",
    help: '`submit`: stop a job that runs longer than this',
  },
  attempts: {
    type: 'number',
    arg: 'N',
    min: 1,
    max: LIMITS.maxAttempts,
    integer: true,
    defaultText: '`1`',
    help: '`submit`: tries per job when its worker is lost',
  },
  shell: {
    type: 'string',
    arg: 'SHELL',
    defaultText: "the worker's (`cmd` on Windows, `sh` elsewhere)",
    help: '`submit`: the shell each command line runs in: `cmd`, `powershell`, `pwsh` or `sh`',
  },
  name: { type: 'string', arg: 'NAME', help: "`submit --on`: what to call the run (shown everywhere, and the start of its exports' file names)" },
  score: { type: 'string', arg: 'PATTERN', help: "`submit --on`: grade each job by this RE2 pattern's one capture group, e.g. `(\\d+) passing`" },
  status: { type: 'string', arg: 'STATUS', help: '`jobs`: only `pending`, `running`, `completed`, `failed` or `cancelled` ones' },
  outcome: { type: 'string', arg: 'OUTCOME', help: '`jobs`: only `active`, `passed`, `failed` (anything that ended without passing) or `cancelled` ones' },
  limit: { type: 'number', arg: 'N', default: 20, min: 1, max: LIMITS.maxPageSize, integer: true, help: '`jobs`, `runs`, `audit`: how many, newest first' },
  json: { type: 'boolean', help: "`workers`, `jobs`, `runs`, `status`, `audit`: print the coordinator's JSON answer instead of a table" },
  output: {
    type: 'string',
    arg: 'PATH',
    short: 'o',
    defaultText: '`./<job id>-artifacts` (with `--zip`: `.zip`)',
    help: '`artifacts`: a new folder to unpack the result files into, or with `--zip` the file to write',
  },
  actor: { type: 'string', arg: 'NAME', help: '`audit`: only what this person (or `owner (admin token)`) did' },
  action: { type: 'string', arg: 'ACTION', help: '`audit`: only this action, or every action starting so when it ends with `.` (`runs.`)' },
  since: { type: 'string', arg: 'TIME', help: '`audit`: only from this ISO date or time on' },
  zip: { type: 'boolean', help: '`artifacts`: save the zip as it came instead of unpacking it' },
} as const satisfies OptionTable;

type ClientFlag = keyof typeof CLIENT_OPTIONS;

/** The flags every command that talks to a coordinator takes. */
const CONNECTION = ['server', 'token', 'fingerprint', 'insecure-http'] as const;

/** A command's own table: the chosen rows of CLIENT_OPTIONS, precisely typed. */
function pick<const K extends ClientFlag>(names: readonly K[]): Pick<typeof CLIENT_OPTIONS, K> {
  return Object.fromEntries(names.map((name) => [name, CLIENT_OPTIONS[name]])) as Pick<typeof CLIENT_OPTIONS, K>;
}

export const SUBMIT_OPTIONS = pick([...CONNECTION, 'run', 'on', 'artifacts', 'follow', 'raw', 'wait', 'timeout', 'attempts', 'shell', 'score', 'name']);
export const LOGS_OPTIONS = pick([...CONNECTION, 'follow', 'raw', 'timestamps']);
export const STATUS_OPTIONS = pick([...CONNECTION, 'json']);
export const CANCEL_OPTIONS = pick(CONNECTION);
export const WORKERS_OPTIONS = pick([...CONNECTION, 'json']);
export const JOBS_OPTIONS = pick([...CONNECTION, 'status', 'outcome', 'limit', 'json']);
export const RUNS_OPTIONS = pick([...CONNECTION, 'limit', 'json']);
export const ARTIFACTS_OPTIONS = pick([...CONNECTION, 'output', 'zip']);
export const LOGIN_OPTIONS = pick(['token', 'fingerprint', 'insecure-http']);
export const LOGOUT_OPTIONS = pick([]);
export const AUDIT_OPTIONS = pick([...CONNECTION, 'actor', 'action', 'since', 'limit', 'json']);

export interface ClientCommand {
  /** What follows the command's name in its synopsis, e.g. `JOB`. */
  args: string;
  /** One line for `cmdx --help`. */
  summary: string;
  table: OptionTable;
}

/** Every client command, in the order `cmdx --help` lists them. */
export const CLIENT_COMMANDS: Readonly<Record<string, ClientCommand>> = {
  submit: {
    args: '[DIR|ZIP] --run COMMAND',
    summary: 'zip a folder (honouring .gitignore) or send a zip; run it on a worker, or with --on on many PCs',
    table: SUBMIT_OPTIONS,
  },
  logs: { args: 'JOB', summary: "a job's whole log; -f follows it until the job ends", table: LOGS_OPTIONS },
  status: { args: 'JOB|RUN', summary: 'a job or a run: state, exit code, per-PC results', table: STATUS_OPTIONS },
  cancel: { args: 'JOB|RUN', summary: 'cancel a job, or every job of a run that has not ended', table: CANCEL_OPTIONS },
  workers: { args: '', summary: 'the workers: status, tags, current job', table: WORKERS_OPTIONS },
  jobs: { args: '', summary: 'the latest jobs', table: JOBS_OPTIONS },
  runs: { args: '', summary: 'the latest runs and their summaries', table: RUNS_OPTIONS },
  artifacts: { args: 'JOB', summary: "download a job's result files", table: ARTIFACTS_OPTIONS },
  audit: { args: '[verify]', summary: 'the audit log, newest first (admin); `verify` checks its hash chain and prints the head hash', table: AUDIT_OPTIONS },
  login: {
    args: 'SERVER',
    summary: 'check and save the coordinator, token (the admin token or your personal one) and fingerprint in your profile (the token from stdin)',
    table: LOGIN_OPTIONS,
  },
  logout: { args: '', summary: 'delete that profile', table: LOGOUT_OPTIONS },
};
