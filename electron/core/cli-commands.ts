/** The commands of `cmdx`: parse flags, start a coordinator or a worker (stopped on signals), or run a client command. */
import { join } from 'node:path';
import { APP_VERSION } from '../../shared/api.ts';
import { displayFingerprint } from '../../shared/fingerprint.ts';
import { lanAddresses } from './lan.ts';
import { logFormat } from './log-format.ts';
import { jsonLogger, textLogger, type Logger } from './logger.ts';
import { exitCodesHelp } from './client/exit-codes.ts';
import { CLIENT_COMMANDS, CLIENT_OPTIONS } from './options/client-options.ts';
import { COORDINATOR_OPTIONS, EXPORT_IDENTITY_OPTIONS, MIGRATE_OPTIONS } from './options/coordinator-options.ts';
import { exportIdentity, openIdentity, otherCoordinators } from './campus-cli.ts';
import { formatJoinLine } from '../../shared/join-line.ts';
import { oidcSettingsFrom } from './options/oidc-options.ts';
import { optionsHelp, synopsis, twoColumns, usageText } from './options/help-text.ts';
import type { OptionTable } from './options/option-table.ts';
import { parseOptions, UsageError, wantsHelp } from './options/parse-options.ts';
import { WORKER_OPTIONS } from './options/worker-options.ts';
import { appDataDir } from './paths.ts';
import { onStopSignals } from './stop-signals.ts';

/** Each command's synopsis start (`cmdx logs JOB`) and flags. */
const COMMANDS = new Map<string | undefined, { usage: string; table: OptionTable }>([
  ['coordinator', { usage: 'cmdx coordinator', table: COORDINATOR_OPTIONS }],
  ['coordinator export-identity', { usage: 'cmdx coordinator export-identity', table: EXPORT_IDENTITY_OPTIONS }],
  ['coordinator migrate', { usage: 'cmdx coordinator migrate', table: MIGRATE_OPTIONS }],
  ['worker', { usage: 'cmdx worker', table: WORKER_OPTIONS }],
  ...Object.entries(CLIENT_COMMANDS).map(([name, c]) => [name, { usage: `cmdx ${name}${c.args ? ` ${c.args}` : ''}`, table: c.table }] as const),
]);

const SYNOPSIS = `Usage:
${[...COMMANDS.values()].map((c) => `  ${synopsis(c.usage, c.table)}\n`).join('')}  cmdx <command> --help
  cmdx --help | --version
`;

/** `cmdx --help`: every command and every flag, generated from the option tables. */
export function helpText(): string {
  return `CMD Executor ${APP_VERSION}: run commands across a lab of PCs.

${SYNOPSIS}
Options of cmdx coordinator:
${optionsHelp(COORDINATOR_OPTIONS)}
Options of cmdx coordinator export-identity:
${optionsHelp(EXPORT_IDENTITY_OPTIONS)}
Options of cmdx coordinator migrate (a stopped coordinator's SQLite store copied into an empty PostgreSQL database):
${optionsHelp(MIGRATE_OPTIONS)}
Options of cmdx worker:
${optionsHelp(WORKER_OPTIONS)}
Client commands (they talk to a coordinator over its API):
${twoColumns(Object.entries(CLIENT_COMMANDS).map(([name, c]) => ({ left: name, text: c.summary })))}
Options of the client commands ("cmdx <command> --help" shows which a command takes):
${optionsHelp(CLIENT_OPTIONS)}
The client connects to --server with --token, else to $CMDX_SERVER with $CMDX_TOKEN ($CMDX_FINGERPRINT),
else to the profile "cmdx login" saved. Colours and progress bars only on a terminal, never with NO_COLOR.

Exit codes of the client commands:
${exitCodesHelp()}`;
}

/** The coordinator's settings from its flags (the ones that need checking first are added by the caller). */
function coordinatorOptions(values: ReturnType<typeof parseOptions<typeof COORDINATOR_OPTIONS>>) {
  return {
    database: values.database,
    filesDir: values['files-dir'],
    port: values.port,
    host: values.host,
    adminToken: values['admin-token'],
    joinToken: values['join-token'],
    offlineAfterSeconds: values['offline-after'],
    maxUploadMb: values['max-upload-mb'],
    maxPendingJobs: values['max-pending-jobs'],
    maxOutputMb: values['max-output-mb'],
    maxArtifactsTotalMb: values['max-artifacts-total-mb'],
    minFreeMb: values['min-free-mb'],
    keepUploadsDays: values['keep-uploads-days'],
    sessionIdleMinutes: values['session-idle-minutes'],
    auditRetentionDays: values['audit-retention-days'],
    tls: !values['no-tls'],
    direct: !values['no-direct'],
    connections: { maxPerAddress: values['max-connections-per-address'], maxUnauthenticatedPerAddress: values['max-unauthenticated-per-address'] },
    announce: values.announce,
  };
}

async function runCoordinator(args: string[], logger: Logger): Promise<void> {
  const values = parseOptions(COORDINATOR_OPTIONS, args, process.env);
  logFormat(args); // refused here when it is neither text nor json
  // Read once, then out of the environment children inherit (this process's own /proc environ keeps the
  // copy it started with, readable only by its account and root).
  delete process.env.CMDX_ADMIN_TOKEN;
  delete process.env.CMDX_JOIN_TOKEN;
  delete process.env.CMDX_DATABASE;
  const dataDir = values['data-dir'] ?? join(appDataDir(), 'coordinator');
  const auth = !values['no-auth'];
  if (!auth && (values['admin-token'] || values['join-token']))
    throw new UsageError('--no-auth turns tokens off; leave out --admin-token and --join-token, or leave out --no-auth.');
  const oidc = oidcSettingsFrom(values);
  const others = otherCoordinators(values['other-coordinators']);
  if (values.identity && (values['no-tls'] || !auth || values['admin-token'] || values['join-token']))
    throw new UsageError('--identity brings the certificate and the tokens; leave out --no-tls, --no-auth, --admin-token and --join-token.');
  if (values['passphrase-file'] && !values.identity) throw new UsageError('--passphrase-file opens an --identity FILE; give that too.');
  const identity = values.identity ? await openIdentity(values.identity, values['passphrase-file']) : undefined;
  delete process.env.CMDX_IDENTITY_PASSPHRASE; // a direct run's commands inherit this environment
  // Loaded after parsing, so that `cmdx worker` never loads Express, multer or SQLite and a typo is refused at once.
  const { startCoordinator } = await import('./coordinator/server.ts');
  const coordinator = await startCoordinator({ ...coordinatorOptions(values), dataDir, auth, oidc, identity, otherCoordinators: others, logger });
  const scheme = coordinator.fingerprint ? 'https' : 'http';
  const lan = coordinator.host === '0.0.0.0' ? lanAddresses().map((ip) => `${scheme}://${ip}:${coordinator.port}`) : [];
  logger.info('coordinator listening', { url: coordinator.url, lan, dataDir, auth, tokensFile: coordinator.tokensFile });
  if (coordinator.fingerprint) {
    logger.info('workers pin this certificate; a browser on another PC should show the same SHA-256 fingerprint', {
      fingerprint: displayFingerprint(coordinator.fingerprint),
    });
  } else {
    logger.warn('TLS is OFF (--no-tls): tokens and job output cross the network in clear');
  }
  if (others.length > 0 && coordinator.fingerprint) {
    // Without the token: a log is no place for it (the dashboard's "Add a worker" shows the line with it).
    const first = coordinator.host === '0.0.0.0' ? (lanAddresses()[0] ?? '127.0.0.1') : coordinator.host;
    logger.info('campus join line (add &token=… or approve each PC)', {
      joinLine: formatJoinLine(first, coordinator.port, coordinator.fingerprint, null, others),
    });
  }
  if (oidc) {
    const redirectUri = oidc.redirectUri ?? `https://<this PC's name or address>:${coordinator.port}/api/session/oidc/callback`;
    logger.info("sign-in with the school's accounts is on; register this redirect URI at the provider", { issuer: oidc.issuer, redirectUri });
  }
  if (auth) {
    logger.info(`the admin and join tokens are in ${coordinator.tokensFile}; send them as "Authorization: Bearer <token>"`, {
      tokensFile: coordinator.tokensFile,
    });
  } else {
    logger.warn('authentication is OFF (--no-auth): anyone who can reach this port can run commands on your workers');
  }
  // The one sentence a person starting it needs, above the log.
  if (logFormat(args) === 'text') {
    const dashboard = `http://localhost:${coordinator.port}/`;
    process.stdout.write(`\nDashboard: ${dashboard} — ${auth ? `admin token in ${coordinator.tokensFile}` : 'no login (--no-auth)'}\n\n`);
  }
  onStopSignals(logger, [{ message: 'stopping', run: () => coordinator.stop() }]);
}

/** Runs `cmdx <argv>`; resolves with the exit code, or -1 while a coordinator or worker keeps running. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // A wrong --log-format is refused below, where usage errors are (runCoordinator, runWorkerCli); JSON till then.
  const format = (() => {
    try {
      return logFormat(rest);
    } catch {
      return 'json';
    }
  })();
  // A person at a terminal reads lines; a script, a service or a pipe gets JSON.
  const logger = format === 'text' ? textLogger() : jsonLogger((line) => process.stdout.write(line), { role: command });
  const sub = command === 'coordinator' && (rest[0] === 'export-identity' || rest[0] === 'migrate') ? rest[0] : undefined;
  const known = COMMANDS.get(sub ? `coordinator ${sub}` : command);
  try {
    if (known && wantsHelp(known.table, rest)) {
      process.stdout.write(usageText(known.usage, known.table));
      return 0;
    }
    if (command !== undefined && Object.hasOwn(CLIENT_COMMANDS, command)) {
      // Loaded only for a client command: a coordinator or a worker never loads the client.
      const { runClientCommand } = await import('./client/main.ts');
      return await runClientCommand(command, rest);
    }
    switch (command) {
      case 'coordinator':
        if (sub === 'export-identity') return await exportIdentity(rest.slice(1), logger);
        if (sub === 'migrate') {
          const { migrate } = await import('./migrate-cli.ts');
          return await migrate(rest.slice(1));
        }
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
        process.stdout.write(helpText());
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    // The synopsis and where the flags are listed; the full listing would bury the one sentence that matters.
    const hint = known
      ? `Usage: ${synopsis(known.usage, known.table)}\nRun "cmdx ${sub ? `coordinator ${sub}` : command} --help" for its options.\n`
      : `${SYNOPSIS}Run "cmdx --help" for the options.\n`;
    process.stderr.write(`cmdx: ${(error as Error).message}\n${usage ? '\n' + hint : ''}`);
    // An error may carry its own code (130: the user pressed Ctrl-C at a prompt).
    return usage ? 2 : ((error as { exitCode?: number }).exitCode ?? 1);
  }
}
