/** `cmdx coordinator`'s flags, declared once: parsing, --help, the table in docs/operations.md and the desktop app's defaults read this. */
import { DEFAULTS } from '../coordinator/defaults.ts';
import type { OptionTable } from './option-table.ts';

export const COORDINATOR_OPTIONS = {
  port: { type: 'number', arg: 'PORT', default: DEFAULTS.port, min: 0, max: 65535, integer: true, help: 'TCP port (`0` picks a free one)' },
  host: { type: 'string', arg: 'ADDRESS', default: DEFAULTS.host, help: 'address to listen on' },
  'data-dir': {
    type: 'string',
    arg: 'DIR',
    defaultText: 'OS app-data folder + `/cmd-executor/coordinator`',
    help: 'database `coordinator.db`, `uploads/`, `tokens.json`',
  },
  database: {
    type: 'string',
    arg: 'URL',
    env: 'CMDX_DATABASE',
    defaultText: 'SQLite, `coordinator.db` in the data dir',
    help: 'keep the store in PostgreSQL (`postgres://user@host/db`; a password goes in `~/.pgpass` or `$PGPASSWORD`), shared by every coordinator of a campus; see docs/operations.md',
  },
  'files-dir': {
    type: 'string',
    arg: 'DIR',
    defaultText: 'the data dir',
    help: "where uploaded zips and jobs' result files live: with several coordinators, one folder they all mount (a file share)",
  },
  'admin-token': {
    type: 'string',
    arg: 'TOKEN',
    env: 'CMDX_ADMIN_TOKEN',
    defaultText: 'generated, kept in `tokens.json`',
    help: 'token for everything (at least 16 characters)',
  },
  'join-token': {
    type: 'string',
    arg: 'TOKEN',
    env: 'CMDX_JOIN_TOKEN',
    defaultText: 'generated, kept in `tokens.json`',
    help: 'token that can only register workers',
  },
  'no-auth': { type: 'boolean', help: 'turn all tokens off (prints a warning)' },
  'no-tls': {
    type: 'boolean',
    help: 'serve plain HTTP to every PC, as the seed did (tokens cross the network in clear); by default TLS with a self-signed certificate, and plain HTTP only from this PC',
  },
  'no-direct': {
    type: 'boolean',
    help: 'refuse direct runs (`POST /api/execute` with `mode=direct` runs commands on the coordinator PC itself); by default they are allowed and recorded as jobs of worker `coordinator`',
  },
  'log-format': {
    type: 'string',
    arg: 'FORMAT',
    defaultText: '`text` on a terminal, else `json`',
    help: '`text`: readable lines for a person; `json`: one JSON object per line, for scripts and log collectors',
  },
  announce: { type: 'boolean', help: 'announce this coordinator on the LAN (DNS-SD `_cmdx._tcp`) so workers find it with `--discover`' },
  'offline-after': {
    type: 'number',
    arg: 'SECONDS',
    default: DEFAULTS.offlineAfterSeconds,
    min: 1,
    max: 86400,
    help: 'seconds without a heartbeat before a worker is `offline`',
  },
  'max-upload-mb': {
    type: 'number',
    arg: 'MB',
    default: DEFAULTS.maxUploadMb,
    min: 1,
    max: 1024 * 1024,
    help: 'largest zip accepted by `/api/execute` (413 above)',
  },
  'max-pending-jobs': {
    type: 'number',
    arg: 'COUNT',
    default: DEFAULTS.maxPendingJobs,
    min: 1,
    max: 10_000_000,
    help: 'queue size; creating more answers 429',
  },
  'max-output-mb': {
    type: 'number',
    arg: 'MB',
    default: DEFAULTS.maxOutputMb,
    min: 1,
    max: 4096,
    help: 'stored output per job and stream; the rest is dropped with a marker',
  },
  'max-artifacts-total-mb': {
    type: 'number',
    arg: 'MB',
    default: DEFAULTS.maxArtifactsTotalMb,
    min: 1,
    max: 1024 * 1024 * 1024,
    help: 'result files of all jobs together; an upload past it is refused (507) and not kept',
  },
  'min-free-mb': {
    type: 'number',
    arg: 'MB',
    default: DEFAULTS.minFreeMb,
    min: 0,
    max: 1024 * 1024 * 1024,
    help: 'free disk space a result files upload must leave (507 below it)',
  },
  'max-connections-per-address': {
    type: 'number',
    arg: 'COUNT',
    default: DEFAULTS.maxConnectionsPerAddress,
    min: 1,
    max: 1_000_000,
    integer: true,
    help: 'open connections one address may hold (a lab behind one NAT address counts as one)',
  },
  'max-unauthenticated-per-address': {
    type: 'number',
    arg: 'COUNT',
    default: DEFAULTS.maxUnauthenticatedPerAddress,
    min: 1,
    max: 1_000_000,
    integer: true,
    help: 'of those, connections that have not shown a valid token yet',
  },
  'keep-uploads-days': {
    type: 'number',
    arg: 'DAYS',
    default: DEFAULTS.keepUploadsDays,
    min: 0,
    max: 3650,
    help: 'zips are deleted this long after their last job ended (hourly check; zips no job refers to go after a day)',
  },
  'session-idle-minutes': {
    type: 'number',
    arg: 'MINUTES',
    default: DEFAULTS.sessionIdleMinutes,
    min: 1,
    max: 24 * 60,
    integer: true,
    help: 'a dashboard session ends after this long without a request (and after 12 hours in any case)',
  },
  'audit-retention-days': {
    type: 'number',
    arg: 'DAYS',
    default: DEFAULTS.auditRetentionDays,
    min: 1,
    max: 36500,
    integer: true,
    help: 'audit log rows older than this are pruned (checked hourly); the chain stays verifiable from the checkpoint pruning leaves',
  },
  'oidc-issuer': {
    type: 'string',
    arg: 'URL',
    help: "sign-in with the school's accounts (OpenID Connect): the provider's issuer, e.g. `https://login.microsoftonline.com/TENANT/v2.0`; https (plain http only on loopback, for tests); see docs/security.md",
  },
  'oidc-client-id': { type: 'string', arg: 'ID', help: 'the client id this coordinator is registered under at the provider' },
  'oidc-client-secret-file': {
    type: 'string',
    arg: 'FILE',
    help: "a file holding the client's secret (never on the command line, where `ps` shows it)",
  },
  'oidc-role-claim': {
    type: 'string',
    arg: 'NAME',
    default: 'groups',
    help: 'the claim whose value (or one of whose values) gives a role; `a.b` reads a nested one',
  },
  'oidc-role-map': {
    type: 'string',
    arg: 'MAP',
    multiple: true,
    help: 'claim value to role, first match wins, e.g. `teachers=teacher,room-b-tas=assistant@room-b+room-c` (`@` names the rooms, worker tags); no match: refused; may be given more than once',
  },
  'oidc-redirect-uri': {
    type: 'string',
    arg: 'URL',
    defaultText: "this coordinator's `/api/session/oidc/callback` as the browser reached it",
    help: 'where the provider sends the browser back (register this at the provider)',
  },
  'oidc-label': { type: 'string', arg: 'TEXT', default: 'School account', help: "the sign-in button's words" },
  identity: {
    type: 'string',
    arg: 'FILE',
    help: "serve the campus identity `export-identity` wrote (certificate, key, admin and join tokens) instead of this data dir's own, so workers' pinning and the tokens hold on every coordinator; the passphrase from `$CMDX_IDENTITY_PASSPHRASE`, `--passphrase-file` or the terminal",
  },
  'passphrase-file': {
    type: 'string',
    arg: 'FILE',
    help: "a file holding the identity file's passphrase (never on the command line, where `ps` shows it)",
  },
  'other-coordinators': {
    type: 'string',
    arg: 'HOST:PORT,…',
    help: 'the other coordinators of the campus (same identity, same database): the join line lists them after this one, and workers move to the next when one stops answering',
  },
} as const satisfies OptionTable;

/** `cmdx coordinator export-identity`'s flags: the first coordinator's identity sealed into one file for the others. */
export const EXPORT_IDENTITY_OPTIONS = {
  'data-dir': {
    type: 'string',
    arg: 'DIR',
    defaultText: 'OS app-data folder + `/cmd-executor/coordinator`',
    help: 'the data dir of the coordinator whose identity is exported',
  },
  out: {
    type: 'string',
    arg: 'FILE',
    required: 'Give --out FILE: where to write the identity file.',
    help: 'the file to write (mode 0600; an existing file is replaced whole)',
  },
  'passphrase-file': {
    type: 'string',
    arg: 'FILE',
    help: 'a file holding the passphrase (at least 12 characters); else `$CMDX_IDENTITY_PASSPHRASE`, else asked twice on the terminal',
  },
} as const satisfies OptionTable;

/** `cmdx coordinator migrate`'s flags: a lab's SQLite store copied into an empty PostgreSQL database, and verified. */
export const MIGRATE_OPTIONS = {
  from: {
    type: 'string',
    arg: 'DIR',
    required: 'Give --from DIR: the data dir of the stopped coordinator whose `coordinator.db` is copied.',
    help: 'the data dir of the stopped coordinator (its `coordinator.db`, `uploads/`, `artifacts/`)',
  },
  to: {
    type: 'string',
    arg: 'URL',
    env: 'CMDX_DATABASE',
    required: 'Give --to postgres://… (or $CMDX_DATABASE): the empty PostgreSQL database to copy into.',
    help: 'the empty PostgreSQL database (`postgres://user:password@host/db`); its password is never printed; `$CMDX_DATABASE` keeps it out of `ps`',
  },
  'files-dir': {
    type: 'string',
    arg: 'DIR',
    defaultText: 'the files stay in the data dir',
    help: "the campus's shared files folder: `uploads/` and `artifacts/` are copied into it (folders 0700, files 0600)",
  },
} as const satisfies OptionTable;
