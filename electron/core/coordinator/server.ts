/** Starts and stops a coordinator: data folder, store, scheduler and the HTTP server around the app. */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../logger.ts';
import { createApp } from './app.ts';
import { DEFAULTS } from './defaults.ts';
import { FailedAuthLimiter, loadOrCreateTokens, type Tokens } from './auth.ts';
import type { CoordinatorContext, CoordinatorSettings } from './context.ts';
import { CoordinatorEvents } from './events.ts';
import { JobStore } from './job-store.ts';
import { Scheduler } from './scheduler.ts';
import { builtDashboard } from '../dashboard-files.ts';
import { GroupCommit } from './group-commit.ts';
import { LiveHub } from './live.ts';
import { removeOldUploads } from './retention.ts';
import { removeStaleParts } from './uploads.ts';

export interface CoordinatorOptions {
  dataDir: string;
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
  /** Days to keep a zip after its last job ended (for "Run again"). */
  keepUploadsDays?: number;
  /** The built dashboard to serve at /; by default dist/renderer if it was built. */
  staticDir?: string | null;
  logger?: Logger;
  now?: () => number;
}

export interface RunningCoordinator {
  url: string;
  port: number;
  host: string;
  dataDir: string;
  /** Empty strings when auth is off. */
  tokens: Tokens;
  tokensFile: string | null;
  context: CoordinatorContext;
  stop(): Promise<void>;
}

export { DEFAULTS };
export const DATABASE_FILE = 'coordinator.db';

export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const logger = options.logger ?? silentLogger;
  const auth = options.auth ?? true;
  const dataDir = options.dataDir;
  const uploadsDir = join(dataDir, 'uploads');
  const tmpDir = join(dataDir, 'tmp');
  for (const dir of [dataDir, uploadsDir, tmpDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stale = removeStaleParts(uploadsDir);
  if (stale > 0) logger.info('removed half-written uploads from a previous run', { count: stale });

  const tokenInfo = auth ? loadOrCreateTokens(dataDir, { adminToken: options.adminToken, joinToken: options.joinToken }) : undefined;
  const settings: CoordinatorSettings = {
    auth,
    tokens: tokenInfo ? { adminToken: tokenInfo.adminToken, joinToken: tokenInfo.joinToken } : { adminToken: '', joinToken: '' },
    offlineAfterSeconds: options.offlineAfterSeconds ?? DEFAULTS.offlineAfterSeconds,
    heartbeatIntervalSeconds: options.heartbeatIntervalSeconds ?? DEFAULTS.heartbeatIntervalSeconds,
    maxUploadBytes: (options.maxUploadMb ?? DEFAULTS.maxUploadMb) * 1024 * 1024,
    maxPendingJobs: options.maxPendingJobs ?? DEFAULTS.maxPendingJobs,
    maxOutputBytes: (options.maxOutputMb ?? DEFAULTS.maxOutputMb) * 1024 * 1024,
  };
  const events = new CoordinatorEvents();
  const store = new JobStore({ file: join(dataDir, DATABASE_FILE), events, now: options.now, maxOutputBytes: settings.maxOutputBytes });
  const scheduler = new Scheduler({ store, events, logger, offlineAfterSeconds: settings.offlineAfterSeconds, now: options.now });
  const context: CoordinatorContext = {
    store,
    scheduler,
    events,
    logger,
    settings,
    uploadsDir,
    tmpDir,
    commit: new GroupCommit(store),
    limiter: new FailedAuthLimiter({ now: options.now }),
    directRuns: new Set(),
    staticDir: options.staticDir === null ? undefined : (options.staticDir ?? builtDashboard()),
  };
  const server = createServer(createApp(context));
  const live = new LiveHub(context);
  live.attach(server);
  // Uploads of a gigabyte over a slow lab network may take longer than Node's 5-minute default.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  try {
    await listen(server, options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host);
  } catch (error) {
    store.close();
    throw error;
  }
  scheduler.start();
  const keepDays = options.keepUploadsDays ?? DEFAULTS.keepUploadsDays;
  const cleanUp = () => {
    try {
      removeOldUploads(store, uploadsDir, keepDays, Date.now(), logger);
    } catch (error) {
      logger.warn('could not remove old uploads', { error: (error as Error).message });
    }
  };
  cleanUp();
  const retention = setInterval(cleanUp, 3600_000);
  retention.unref();
  const address = server.address() as AddressInfo;
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
    context,
    stop: () => (stopping ??= (clearInterval(retention), live.close(), stop(server, context))),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
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

/** Graceful stop: no new connections, waiting workers told "no job", direct runs killed, store closed. */
async function stop(server: Server, ctx: CoordinatorContext): Promise<void> {
  ctx.scheduler.stop();
  for (const run of ctx.directRuns) run.abort();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 3000);
  await closed;
  clearTimeout(force);
  ctx.store.close();
}
