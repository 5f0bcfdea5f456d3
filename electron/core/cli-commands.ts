/** The commands of `cmdx`: parse flags, start a coordinator or a worker, stop on signals. */
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { APP_VERSION } from '../../shared/api.ts';
import { numberOption, UsageError } from './cli-options.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { appDataDir } from './paths.ts';
import { DEFAULTS } from './coordinator/defaults.ts';

const USAGE = `CMD Executor ${APP_VERSION}: run commands across a lab of PCs.

Usage:
  cmdx coordinator [--port ${DEFAULTS.port}] [--host ${DEFAULTS.host}] [--data-dir DIR] [--admin-token T] [--join-token T]
                   [--no-auth] [--offline-after ${DEFAULTS.offlineAfterSeconds}] [--max-upload-mb ${DEFAULTS.maxUploadMb}]
                   [--max-pending-jobs ${DEFAULTS.maxPendingJobs}] [--max-output-mb ${DEFAULTS.maxOutputMb}] [--keep-uploads-days ${DEFAULTS.keepUploadsDays}]
  cmdx worker --server http://HOST:3000 [--join-token T] [--id ID] [--name NAME] [--work-dir DIR]
              [--heartbeat-interval 10] [--max-extract-mb 2048] [--max-output-mb 16]
  cmdx --help | --version
`;

/** Runs until SIGINT/SIGTERM, then calls `stop`; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info('stopping', { signal });
    stop().then(() => process.exit(0), (error: Error) => {
      logger.error('stop failed', { error: error.message });
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
}

async function runCoordinator(args: string[], logger: Logger): Promise<void> {
  // Loaded here so that `cmdx worker` never loads Express, multer or SQLite.
  const { startCoordinator } = await import('./coordinator/server.ts');
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'admin-token': { type: 'string' },
      'join-token': { type: 'string' },
      'no-auth': { type: 'boolean' },
      'offline-after': { type: 'string' },
      'max-upload-mb': { type: 'string' },
      'max-pending-jobs': { type: 'string' },
      'max-output-mb': { type: 'string' },
      'keep-uploads-days': { type: 'string' },
    },
  });
  const dataDir = values['data-dir'] ?? join(appDataDir(), 'coordinator');
  const auth = !values['no-auth'];
  if (!auth && (values['admin-token'] || values['join-token'])) throw new UsageError('--no-auth turns tokens off; leave out --admin-token and --join-token, or leave out --no-auth.');
  const coordinator = await startCoordinator({
    dataDir,
    port: numberOption(values.port, 'port', 0, 65535),
    host: values.host,
    auth,
    adminToken: values['admin-token'],
    joinToken: values['join-token'],
    offlineAfterSeconds: numberOption(values['offline-after'], 'offline-after', 1, 86400),
    maxUploadMb: numberOption(values['max-upload-mb'], 'max-upload-mb', 1, 1024 * 1024),
    maxPendingJobs: numberOption(values['max-pending-jobs'], 'max-pending-jobs', 1, 10_000_000),
    maxOutputMb: numberOption(values['max-output-mb'], 'max-output-mb', 1, 4096),
    keepUploadsDays: numberOption(values['keep-uploads-days'], 'keep-uploads-days', 0, 3650),
    logger,
  });
  const lan = coordinator.host === '0.0.0.0' ? lanAddresses().map((ip) => `http://${ip}:${coordinator.port}`) : [];
  logger.info('coordinator listening', { url: coordinator.url, lan, dataDir, auth, tokensFile: coordinator.tokensFile });
  if (auth) {
    logger.info(`the admin and join tokens are in ${coordinator.tokensFile}; send them as "Authorization: Bearer <token>"`, { tokensFile: coordinator.tokensFile });
  } else {
    logger.warn('authentication is OFF (--no-auth): anyone who can reach this port can run commands on your workers');
  }
  stopOnSignals(() => coordinator.stop(), logger);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const logger = jsonLogger((line) => process.stdout.write(line), { role: command });
  try {
    switch (command) {
      case 'coordinator':
        await runCoordinator(rest, logger);
        return -1;
      case 'worker': {
        const { runWorkerCli } = await import('./worker/cli-worker.ts');
        await runWorkerCli(rest, logger);
        return -1;
      }
      case '--version':
      case '-v':
        process.stdout.write(`${APP_VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`cmdx: ${(error as Error).message}\n${usage ? '\n' + USAGE : ''}`);
    return usage ? 2 : 1;
  }
}
