/** Command-line flags of the desktop app, for an unattended install on 30 PCs. */
import { parseArgs } from 'node:util';
import type { AppMode } from '../../shared/ipc.ts';

export interface LaunchFlags {
  mode?: AppMode;
  server?: string;
  joinToken?: string;
  port?: number;
  dataDir?: string;
  /** Start without showing a window (the tray is there). */
  hidden: boolean;
  openAtLogin?: boolean;
}

/** Reads our flags and ignores Electron's and Chromium's own. */
export function parseLaunchFlags(argv: string[]): LaunchFlags {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      server: { type: 'string' },
      'join-token': { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      hidden: { type: 'boolean' },
      'open-at-login': { type: 'boolean' },
    },
  });
  const mode = values.mode;
  if (mode !== undefined && mode !== 'coordinator' && mode !== 'worker') {
    throw new Error(`--mode must be "coordinator" or "worker" (got "${String(mode)}").`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be a port number (got "${String(values.port)}").`);
  return {
    mode,
    server: typeof values.server === 'string' ? values.server : undefined,
    joinToken: typeof values['join-token'] === 'string' ? values['join-token'] : undefined,
    port,
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    hidden: values.hidden === true,
    openAtLogin: values['open-at-login'] === true ? true : undefined,
  };
}
