/** `cmdx worker`'s flags, declared once: parsing, --help and the table in docs/operations.md read this. */
import type { OptionTable } from './option-table.ts';

export const WORKER_OPTIONS = {
  server: { type: 'string', arg: 'URL', help: "the coordinator's address, e.g. `https://192.168.1.10:3000` (or use `--join` or `--discover`)" },
  join: {
    type: 'string',
    arg: 'LINE',
    env: 'CMDX_JOIN',
    help: 'the join line from the dashboard ("Add a worker"): address, certificate fingerprint and, if it has one, the join token',
  },
  discover: {
    type: 'boolean',
    help: 'find coordinators announced on the LAN (3 s): join the only one found (asking the admin to approve), or list them',
  },
  fingerprint: { type: 'string', arg: 'SHA256', help: 'the certificate fingerprint to pin with `--server https://…` (the dashboard shows it)' },
  // The environment keeps the token out of `ps` listings.
  'join-token': { type: 'string', arg: 'TOKEN', env: 'CMDX_JOIN_TOKEN', help: "the coordinator's join token (the environment keeps it out of `ps`)" },
  id: { type: 'string', arg: 'ID', defaultText: '`worker-<hostname>-<4 hex>`', help: 'worker id; kept in the work dir with its token, so a restart keeps it' },
  name: { type: 'string', arg: 'NAME', defaultText: 'the hostname', help: 'name shown on the dashboard' },
  tags: {
    type: 'string',
    arg: 'TAG,TAG',
    help: 'labels a job or run can target (e.g. `room-b,gpu`); sent when the worker registers, replacing tags the admin set',
  },
  'work-dir': { type: 'string', arg: 'DIR', defaultText: 'OS app-data folder + `/cmd-executor/worker`', help: 'identity, unsent reports, job folders' },
  'log-format': {
    type: 'string',
    arg: 'FORMAT',
    defaultText: '`text` on a terminal, else `json`',
    help: '`text`: readable lines for a person; `json`: one JSON object per line, for scripts and log collectors',
  },
  'heartbeat-interval': {
    type: 'number',
    arg: 'SECONDS',
    default: 10,
    min: 0.1,
    max: 3600,
    help: 'seconds between heartbeats (its own timer, never delayed by a job)',
  },
  'max-extract-mb': { type: 'number', arg: 'MB', default: 2048, min: 1, max: 1024 * 1024, help: "largest download and total unpacked size of a job's zip" },
  'max-output-mb': {
    type: 'number',
    arg: 'MB',
    default: 16,
    min: 0.001,
    max: 4096,
    help: 'output kept per stream: the first half streams live, the last half is sent at the end, the middle is dropped with a marker',
  },
  'max-artifacts-mb': {
    type: 'number',
    arg: 'MB',
    default: 256,
    min: 1,
    max: 1024 * 1024,
    help: "result files (a job's `artifacts` patterns) brought back per job; more is left out, with a line in the job's log",
  },
  'idle-file': {
    type: 'string',
    arg: 'PATH',
    defaultText: "logind's session idle hint, where there is one",
    help: "a file holding the seconds since the PC's keyboard or mouse was last used (for a site's own idle detector); read by the `idle` policy",
  },
  'run-as': {
    type: 'string',
    arg: 'USER',
    defaultText: '`cmdx-job` when the worker runs as root (created on first start)',
    help: "the account jobs run as, so they cannot read the worker's files (only when the worker runs as root)",
  },
  'unsafe-jobs-as-root': {
    type: 'boolean',
    help: 'when the worker runs as root (on Windows: as a service or an administrator) and no job account can be had, run jobs with its rights anyway (any job then owns the PC)',
  },
  'job-memory-mb': { type: 'number', arg: 'MB', min: 16, max: 1024 * 1024, help: 'memory limit per job, where a cgroup controller allows it' },
  'job-max-procs': { type: 'number', arg: 'COUNT', min: 1, max: 1_000_000, integer: true, help: 'process limit per job, where a cgroup controller allows it' },
  'ui-port': {
    type: 'number',
    arg: 'PORT',
    min: 0,
    max: 65535,
    integer: true,
    help: "serve this worker's status page on `127.0.0.1:PORT` (`0` picks a port; the URL is logged)",
  },
  'power-command': {
    type: 'string',
    arg: 'CMD',
    defaultText: "the OS's own (`shutdown /s /t 0`, `systemctl poweroff`, `loginctl terminate-user`, …)",
    help: 'run this through the shell to shut down, restart or log off when the admin asks, with `CMDX_POWER_ACTION` (`shutdown`, `reboot` or `logoff`) and `CMDX_POWER_DELAY` (seconds, already waited) in its environment',
  },
  'poll-interval': {
    type: 'number',
    arg: 'SECONDS',
    min: 0.01,
    max: 3600,
    help: "the seed's design, for comparisons: ask for a job every N seconds instead of long-polling",
  },
} as const satisfies OptionTable;
