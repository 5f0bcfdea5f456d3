/** Starts what the chosen mode runs, with the same core modules as the CLI (no second implementation). */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../core/logger.ts';
import { startCoordinator, type RunningCoordinator } from '../core/coordinator/server.ts';
import { WorkerAgent } from '../core/worker/agent.ts';
import { COORDINATOR_OPTIONS } from '../core/options/coordinator-options.ts';
import type { IdleSource } from '../core/worker/idle-source.ts';
import type { CoordinatorSettings, WorkerSettings } from '../../shared/ipc.ts';

export interface RunningMode {
  coordinator?: RunningCoordinator;
  agent?: WorkerAgent;
  /** What the window shows. */
  pageUrl: string;
  stop(): Promise<void>;
}

export interface ModeOptions {
  logger: Logger;
  rendererDir: string;
  /** Where a worker keeps its identity and job folders. */
  workerDir: string;
  /** How long this PC's keyboard and mouse have been idle (Electron's powerMonitor), for the lab's policy. */
  idleSource?: IdleSource;
}

export async function startCoordinatorMode(settings: CoordinatorSettings, options: ModeOptions): Promise<RunningMode> {
  const coordinator = await startCoordinator({
    dataDir: settings.dataDir,
    port: settings.port,
    host: COORDINATOR_OPTIONS.host.default,
    staticDir: options.rendererDir,
    announce: settings.announce,
    logger: options.logger,
  });
  let agent: WorkerAgent | undefined;
  if (settings.alsoRunWorker) {
    agent = new WorkerAgent({
      server: `http://127.0.0.1:${coordinator.port}`,
      joinToken: coordinator.tokens.joinToken || undefined,
      workDir: options.workerDir,
      idleSource: options.idleSource,
      logger: options.logger,
    });
    agent.start();
  }
  return {
    coordinator,
    agent,
    pageUrl: `http://127.0.0.1:${coordinator.port}/`,
    async stop() {
      await agent?.stop({ cancel: true, reason: 'The app was closed before the job finished.' });
      await coordinator.stop();
    },
  };
}

export function startWorkerMode(settings: WorkerSettings, options: ModeOptions & { onJoined?: () => void }): RunningMode {
  const agent = new WorkerAgent({
    server: settings.server,
    fingerprint: settings.fingerprint || null,
    joinToken: settings.joinToken || undefined,
    // None given: the coordinator keeps the tags the admin set on the dashboard.
    tags: settings.tags.length ? settings.tags : undefined,
    workDir: options.workerDir,
    idleSource: options.idleSource,
    logger: options.logger,
  });
  // Once the coordinator has accepted this PC, the join token is no longer kept anywhere.
  const joined = (state: { connected: boolean }) => {
    if (!state.connected) return;
    agent.off('state', joined);
    options.onJoined?.();
  };
  agent.on('state', joined);
  agent.start();
  return {
    agent,
    pageUrl: `${pathToFileURL(join(options.rendererDir, 'index.html')).href}#/worker`,
    stop: () => agent.stop({ cancel: true, reason: 'The app was closed before the job finished.' }),
  };
}

export function setupPageUrl(rendererDir: string): string {
  return `${pathToFileURL(join(rendererDir, 'index.html')).href}#/setup`;
}
