/** `cmdx worker ...`: runs a worker agent until SIGINT/SIGTERM. */
import { join } from 'node:path';
import { parseTagList } from '../../../shared/api.ts';
import { parseOptions } from '../options/parse-options.ts';
import { WORKER_OPTIONS } from '../options/worker-options.ts';
import type { Logger } from '../logger.ts';
import { appDataDir } from '../paths.ts';
import { onStopSignals } from '../stop-signals.ts';
import { builtDashboard } from '../dashboard-files.ts';
import { WorkerAgent } from './agent.ts';
import { fileIdleSource } from './idle-source.ts';
import { coordinatorTarget } from './coordinator-target.ts';
import { logFormat } from '../log-format.ts';

export async function runWorkerCli(args: string[], logger: Logger): Promise<void> {
  const values = parseOptions(WORKER_OPTIONS, args, process.env);
  logFormat(args); // refused here when it is neither text nor json
  // Read once, then gone from the environment: jobs started by this process never see them.
  delete process.env.CMDX_JOIN_TOKEN;
  delete process.env.CMDX_JOIN;
  const workDir = values['work-dir'] ?? join(appDataDir(), 'worker');
  const target = await coordinatorTarget(
    { join: values.join, discover: values.discover, server: values.server, fingerprint: values.fingerprint, joinToken: values['join-token'] },
    workDir,
    logger,
  );
  if (target.server.startsWith('http://') && !/^http:\/\/(127\.|localhost|\[::1\])/.test(target.server)) {
    logger.warn('talking to the coordinator over plain HTTP: tokens and job output cross the network in clear', { server: target.server });
  }
  const agent = new WorkerAgent({
    server: target.server,
    servers: target.servers,
    fingerprint: target.fingerprint,
    joinToken: target.joinToken,
    workDir,
    id: values.id,
    name: values.name,
    tags: values.tags === undefined ? undefined : parseTagList(values.tags),
    heartbeatIntervalSeconds: values['heartbeat-interval'],
    maxExtractMb: values['max-extract-mb'],
    maxOutputMb: values['max-output-mb'],
    maxArtifactsMb: values['max-artifacts-mb'],
    idleSource: values['idle-file'] ? fileIdleSource(values['idle-file']) : undefined,
    runAs: values['run-as'],
    unsafeJobsAsRoot: values['unsafe-jobs-as-root'],
    jobMemoryMb: values['job-memory-mb'],
    jobMaxProcs: values['job-max-procs'],
    powerCommand: values['power-command'],
    peers: !values['no-peers'],
    peerPort: values['peer-port'],
    // Seconds on the command line, milliseconds in the agent.
    pollIntervalMs: values['poll-interval'] === undefined ? undefined : values['poll-interval'] * 1000,
    logger,
  });
  agent.start();
  logger.info('worker started', {
    workerId: agent.workerId,
    server: agent.state.server,
    ...(target.servers.length > 1 ? { servers: target.servers } : {}),
    workDir,
  });
  const uiPort = values['ui-port'];
  // Loaded only when asked for: Express and ws would add ~15 MB to every worker, and forking a bigger process costs more.
  const ui = uiPort === undefined ? undefined : await (await import('./local-ui.ts')).startLocalUi(agent, { port: uiPort, staticDir: builtDashboard() });
  if (ui) logger.info('worker status page', { url: ui.url });

  onStopSignals(logger, [
    { message: 'finishing the current job, then exiting (send the signal again to cancel it now)', run: () => agent.stop().then(() => ui?.close()) },
    {
      message: 'cancelling the current job, reporting it, then exiting',
      run: (signal) => agent.stop({ cancel: true, reason: `Worker stopped (${signal}) before the job finished.` }).then(() => ui?.close()),
    },
  ]);
}
