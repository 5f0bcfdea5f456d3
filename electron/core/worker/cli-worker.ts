/** `cmdx worker ...`: runs a worker agent until SIGINT/SIGTERM. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { numberOption, UsageError } from '../cli-options.ts';
import type { Logger } from '../logger.ts';
import { appDataDir } from '../paths.ts';
import { builtDashboard } from '../dashboard-files.ts';
import { WorkerAgent } from './agent.ts';

export async function runWorkerCli(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      server: { type: 'string' },
      'join-token': { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      'work-dir': { type: 'string' },
      'heartbeat-interval': { type: 'string' },
      'max-extract-mb': { type: 'string' },
      'max-output-mb': { type: 'string' },
      'ui-port': { type: 'string' },
      'poll-interval': { type: 'string' },
    },
  });
  if (!values.server) throw new UsageError('--server is required, e.g. --server http://192.168.1.10:3000 (the address the coordinator prints).');
  const agent = new WorkerAgent({
    server: values.server,
    // The environment keeps the token out of `ps` listings.
    joinToken: values['join-token'] ?? process.env.CMDX_JOIN_TOKEN,
    workDir: values['work-dir'] ?? join(appDataDir(), 'worker'),
    id: values.id,
    name: values.name,
    heartbeatIntervalSeconds: numberOption(values['heartbeat-interval'], 'heartbeat-interval', 0.1, 3600),
    maxExtractMb: numberOption(values['max-extract-mb'], 'max-extract-mb', 1, 1024 * 1024),
    maxOutputMb: numberOption(values['max-output-mb'], 'max-output-mb', 0.001, 4096),
    pollIntervalMs: values['poll-interval'] === undefined ? undefined : numberOption(values['poll-interval'], 'poll-interval', 0.01, 3600)! * 1000,
    logger,
  });
  agent.start();
  logger.info('worker started', { workerId: agent.workerId, server: agent.state.server, workDir: values['work-dir'] ?? join(appDataDir(), 'worker') });
  const uiPort = numberOption(values['ui-port'], 'ui-port', 0, 65535);
  // Loaded only when asked for: Express and ws would add ~15 MB to every worker, and forking a bigger process costs more.
  const ui = uiPort === undefined ? undefined : await (await import('./local-ui.ts')).startLocalUi(agent, { port: uiPort, staticDir: builtDashboard() });
  if (ui) logger.info('worker status page', { url: ui.url });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      logger.info('finishing the current job, then exiting (send the signal again to cancel it now)', { signal });
      agent.stop().then(() => ui?.close()).then(() => process.exit(0));
    } else if (signals === 2) {
      logger.warn('cancelling the current job, reporting it, then exiting', { signal });
      agent.stop({ cancel: true, reason: `Worker stopped (${signal}) before the job finished.` }).then(() => ui?.close()).then(() => process.exit(0));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
