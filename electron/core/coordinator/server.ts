/** Starts and stops a coordinator: data folder, certificate, store, scheduler and the server around the app. */
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../logger.ts';
import { privateDir, privateFile } from '../paths.ts';
import { createApp } from './http/app.ts';
import { DEFAULTS } from './defaults.ts';
import { FailedAuthLimiter, loadOrCreateTokens, type Tokens } from './http/auth.ts';
import type { CoordinatorContext, CoordinatorSettings } from './context.ts';
import { CoordinatorEvents } from './live/events.ts';
import { Store } from './state/store.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { builtDashboard } from '../dashboard-files.ts';
import { GroupCommit } from './state/group-commit.ts';
import { createListener, type Listener } from './http/listener.ts';
import { ConnectionGuard, type GuardOptions } from './http/connection-guard.ts';
import { JoinRequests } from './workers/join-requests.ts';
import { LiveHub } from './live/live.ts';
import { loadOrCreateCertificate } from './http/tls/certificate.ts';
import { installIdentity, type CampusIdentity } from './campus/identity-file.ts';
import { ArtifactStore } from './files/artifact-store.ts';
import { displayFingerprint } from '../../../shared/fingerprint.ts';
import { UploadIndex } from './files/upload-index.ts';
import { ZipSources } from './files/zip-sources.ts';
import { removeStaleParts } from './files/uploads.ts';
import { endInterruptedDirectJobs } from './jobs/job-commands.ts';
import type { DispatcherOptions } from './notify/dispatcher.ts';
import { Notifier } from './notify/notifier.ts';
import { dashboardUrl } from './info.ts';
import { WakeRelays } from './workers/wake-relays.ts';
import { REAL_WAKE_TRANSPORT, type WakeTransport } from '../wake-on-lan.ts';
import { installAuditHook } from './audit/audit-log.ts';
import { scheduleClock } from './background-duties.ts';
import { joinCampus } from './campus/join-campus.ts';
import { LoginThrottle } from './people/login-throttle.ts';
import { CoordinatorMetrics } from './metrics.ts';
import type { OidcSettings } from './people/oidc-settings.ts';

export interface CoordinatorOptions {
  dataDir: string;
  /** A PostgreSQL URL (--database, $CMDX_DATABASE): the store is there, shared with other coordinators; else SQLite in dataDir. */
  database?: string;
  /** Where uploads and artifacts live (--files-dir): a folder every coordinator of a campus mounts; else dataDir. */
  filesDir?: string;
  /** How often a coordinator without the campus duties asks for them (tests shorten it). */
  dutyRetryMs?: number;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  auth?: boolean;
  adminToken?: string;
  joinToken?: string;
  offlineAfterSeconds?: number;
  heartbeatIntervalSeconds?: number;
  maxUploadMb?: number;
  maxPendingJobs?: number;
  maxOutputMb?: number;
  /** All jobs' artifacts together (507 past it). */
  maxArtifactsTotalMb?: number;
  /** Free disk space an artifacts upload must leave (507 below it). */
  minFreeMb?: number;
  /** Days to keep a zip after its last job ended (for "Run again"). */
  keepUploadsDays?: number;
  /** Minutes a dashboard session may sit idle (--session-idle-minutes). */
  sessionIdleMinutes?: number;
  /** Days audit rows are kept (--audit-retention-days). */
  auditRetentionDays?: number;
  /** Sign-in with the school's accounts (OpenID Connect). */
  oidc?: OidcSettings;
  /** Serve TLS (with plain HTTP for loopback only) on the port; false is the seed's open HTTP (--no-tls). */
  tls?: boolean;
  /** Limits on connections per address and on slow requests (tests shorten them). */
  connections?: GuardOptions;
  /** Allow direct runs on the coordinator PC (--no-direct turns them off). */
  direct?: boolean;
  /** Announce the coordinator on the LAN with DNS-SD (off by default: tests and headless runs stay quiet). */
  announce?: boolean;
  /** The built dashboard to serve at /; by default dist/renderer if it was built. */
  staticDir?: string | null;
  /** Webhook deliveries: at once, one attempt's deadline, how often waiting ones are looked for (tests shorten them). */
  webhooks?: DispatcherOptions;
  logger?: Logger;
  now?: () => number;
  /** How magic packets leave (tests give a fake: nothing is sent on the machine's network). */
  wakeTransport?: WakeTransport;
  /** The campus identity (--identity), installed into the data dir before the certificate and tokens are read. */
  identity?: CampusIdentity;
  /** The other coordinators of the campus, `host:port` (--other-coordinators): join lines list them after this one. */
  otherCoordinators?: string[];
}

export interface RunningCoordinator {
  url: string;
  port: number;
  host: string;
  dataDir: string;
  /** Empty strings when auth is off. */
  tokens: Tokens;
  /** SHA-256 of the TLS certificate (64 hex digits); null with --no-tls. */
  fingerprint: string | null;
  tokensFile: string | null;
  context: CoordinatorContext;
  stop(): Promise<void>;
}

export { DEFAULTS };
export const DATABASE_FILE = 'coordinator.db';

export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const logger = options.logger ?? silentLogger;
  const auth = options.auth ?? true;
  const { dataDir, uploadsDir, tmpDir } = privateFolders(options.dataDir, options.filesDir, logger);
  const tls = options.tls ?? true;
  if (options.identity) logger.info('serving the campus identity', { fingerprint: displayFingerprint(installIdentity(dataDir, options.identity).fingerprint) });
  const certificate = tls ? await loadOrCreateCertificate(dataDir) : undefined;
  if (certificate) logger.info('serving TLS; workers pin this certificate', { fingerprint: displayFingerprint(certificate.fingerprint) });
  const tokenInfo = auth ? loadOrCreateTokens(dataDir, { adminToken: options.adminToken, joinToken: options.joinToken }) : undefined;
  const settings = settingsFrom(options, auth, certificate?.fingerprint ?? null, tokenInfo);
  const store = openStore(options, dataDir, settings.maxOutputBytes, logger);
  const events = store.events;
  const scheduler = new Scheduler({ store, events, logger, offlineAfterSeconds: settings.offlineAfterSeconds, now: options.now });
  const uploadIndex = new UploadIndex(store);
  const notifier = new Notifier({ store, events, logger, dispatch: options.webhooks });
  const context: CoordinatorContext = {
    store,
    uploadIndex,
    zipSources: new ZipSources({ store, uploadsDir, staleAfterMs: settings.offlineAfterSeconds * 1000 }),
    artifacts: new ArtifactStore(
      options.filesDir ?? dataDir,
      {
        maxTotalBytes: (options.maxArtifactsTotalMb ?? DEFAULTS.maxArtifactsTotalMb) * 1024 * 1024,
        minFreeBytes: (options.minFreeMb ?? DEFAULTS.minFreeMb) * 1024 * 1024,
      },
      options.filesDir !== undefined,
    ),
    scheduler,
    schedules: scheduleClock(store, logger, notifier, () => context),
    events,
    notifier,
    logger,
    settings,
    dataDir,
    uploadsDir,
    tmpDir,
    joinRequests: new JoinRequests(certificate?.fingerprint ?? 'no-tls', options.now),
    guard: new ConnectionGuard(options.connections),
    commit: new GroupCommit(store),
    limiter: new FailedAuthLimiter({ now: options.now }),
    loginThrottle: new LoginThrottle(options.now),
    metrics: new CoordinatorMetrics(),
    directRuns: new Set(),
    wakeRelays: new WakeRelays(options.now),
    wakeTransport: options.wakeTransport ?? REAL_WAKE_TRANSPORT,
    staticDir: options.staticDir === null ? undefined : (options.staticDir ?? builtDashboard()),
  };
  const { listener, live } = serverFor(context, certificate);
  try {
    await listen(listener.front, options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host);
  } catch (error) {
    store.close();
    throw error;
  }
  scheduler.start();
  const address = listener.front.address() as AddressInfo;
  context.notifier.start(dashboardUrl(settings, address.port));
  const campus = await joinCampus(context, options.database, options.keepUploadsDays ?? DEFAULTS.keepUploadsDays, options.dutyRetryMs).catch(
    async (error: unknown) => {
      await stop(listener, context);
      throw error;
    },
  );
  const announcement = options.announce ? (await import('../discovery.ts')).announce({ port: address.port, fingerprint: settings.fingerprint }) : undefined;
  const host = options.host ?? DEFAULTS.host;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host,
    dataDir,
    tokens: settings.tokens,
    tokensFile: tokenInfo?.file ?? null,
    fingerprint: certificate?.fingerprint ?? null,
    context,
    stop: () => (stopping ??= (live.close(), Promise.all([announcement?.stop(), campus.stop().then(() => stop(listener, context))]).then(() => {}))),
  };
}

/** The store, with the audit hook; direct runs a stop interrupted are ended. */
function openStore(options: CoordinatorOptions, dataDir: string, maxOutputBytes: number, logger: Logger): Store {
  const store = new Store({
    file: join(dataDir, DATABASE_FILE),
    database: options.database,
    events: new CoordinatorEvents(),
    now: options.now,
    maxOutputBytes,
  });
  installAuditHook(store);
  // Direct runs belong to one PC; in a campus, a coordinator starting must not end another's (they are off there).
  const interrupted = options.database ? [] : endInterruptedDirectJobs(store);
  if (interrupted.length) logger.warn('direct runs interrupted by the last stop were marked failed', { jobIds: interrupted });
  return store;
}

/** The HTTP(S) servers around the app, with the live feed on their upgrades. */
function serverFor(context: CoordinatorContext, certificate: { certPem: string; keyPem: string } | undefined): { listener: Listener; live: LiveHub } {
  const listener = createListener(createApp(context), context.guard, certificate && { cert: certificate.certPem, key: certificate.keyPem });
  const live = new LiveHub(context);
  for (const server of listener.servers) {
    live.attach(server);
    // A gigabyte upload may take long: the guard gives unauthenticated requests a deadline and everyone an idle limit.
    server.requestTimeout = 0;
    server.headersTimeout = 15_000;
    server.keepAliveTimeout = 10_000;
  }
  return { listener, live };
}

function settingsFrom(
  options: CoordinatorOptions,
  auth: boolean,
  fingerprint: string | null,
  tokenInfo: { adminToken: string; joinToken: string } | undefined,
): CoordinatorSettings {
  return {
    auth,
    tokens: tokenInfo ? { adminToken: tokenInfo.adminToken, joinToken: tokenInfo.joinToken } : { adminToken: '', joinToken: '' },
    offlineAfterSeconds: options.offlineAfterSeconds ?? DEFAULTS.offlineAfterSeconds,
    heartbeatIntervalSeconds: options.heartbeatIntervalSeconds ?? DEFAULTS.heartbeatIntervalSeconds,
    maxUploadBytes: (options.maxUploadMb ?? DEFAULTS.maxUploadMb) * 1024 * 1024,
    maxPendingJobs: options.maxPendingJobs ?? DEFAULTS.maxPendingJobs,
    maxOutputBytes: Math.floor((options.maxOutputMb ?? DEFAULTS.maxOutputMb) * 1024 * 1024),
    fingerprint,
    host: options.host ?? DEFAULTS.host,
    // A campus (PostgreSQL) runs commands on workers only: a direct run is one PC's, and its coordinator may move.
    directRuns: options.database ? false : (options.direct ?? true),
    sessions: { idleMs: (options.sessionIdleMinutes ?? DEFAULTS.sessionIdleMinutes) * 60_000, maxMs: DEFAULTS.sessionMaxHours * 3600_000 },
    auditRetentionDays: options.auditRetentionDays ?? DEFAULTS.auditRetentionDays,
    oidc: options.oidc ?? null,
    otherCoordinators: options.otherCoordinators ?? [],
  };
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new Error(`Port ${port} on ${host} is already in use; stop the other program or pass --port.`));
      else if (error.code === 'EACCES') reject(new Error(`Not allowed to listen on port ${port}; use a port above 1024 (--port).`));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The data folder, its uploads and scratch folders, private whatever mode they had before (every command and output is in them); half-written uploads gone. */
function privateFolders(dataDir: string, filesDir: string | undefined, logger: Logger): { dataDir: string; uploadsDir: string; tmpDir: string } {
  const uploadsDir = join(filesDir ?? dataDir, 'uploads');
  const tmpDir = join(dataDir, 'tmp');
  for (const dir of [dataDir, ...(filesDir ? [filesDir] : []), uploadsDir, tmpDir]) privateDir(dir);
  for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]) privateFile(join(dataDir, file));
  // In a shared folder another coordinator may be receiving an upload now: only parts untouched for an hour are stale.
  const stale = removeStaleParts(uploadsDir, filesDir ? 3600_000 : 0);
  if (stale > 0) logger.info('removed half-written uploads from a previous run', { count: stale });
  return { dataDir, uploadsDir, tmpDir };
}

/** Graceful stop: no new connections, waiting workers told "no job", direct runs killed, store closed. */
async function stop(listener: Listener, ctx: CoordinatorContext): Promise<void> {
  ctx.scheduler.stop();
  ctx.schedules.stop();
  for (const run of ctx.directRuns) run.abort();
  const closed = new Promise<void>((resolve) => listener.front.close(() => resolve()));
  for (const server of listener.servers) server.closeIdleConnections();
  const force = setTimeout(() => listener.servers.forEach((server) => server.closeAllConnections()), 3000);
  await closed;
  clearTimeout(force);
  await ctx.notifier.stop();
  ctx.metrics.stop();
  ctx.store.close();
}
