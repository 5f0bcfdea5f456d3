/** `cmdx coordinator`'s flags, declared once: parsing, --help, the README table and the desktop app's defaults read this. */
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
  'admin-token': { type: 'string', arg: 'TOKEN', defaultText: 'generated, kept in `tokens.json`', help: 'token for everything (at least 16 characters)' },
  'join-token': { type: 'string', arg: 'TOKEN', defaultText: 'generated, kept in `tokens.json`', help: 'token that can only register workers' },
  'no-auth': { type: 'boolean', help: 'turn all tokens off (prints a warning)' },
  'no-tls': {
    type: 'boolean',
    help: 'serve plain HTTP to every PC, as the seed did (tokens cross the network in clear); by default TLS with a self-signed certificate, and plain HTTP only from this PC',
  },
  'no-direct': {
    type: 'boolean',
    help: 'refuse direct runs (`POST /api/execute` with `mode=direct` runs commands on the coordinator PC itself); by default they are allowed and recorded as jobs of worker `coordinator`',
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
} as const satisfies OptionTable;
