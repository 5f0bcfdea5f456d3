/** Command-line flags of the desktop app, for an unattended install on 30 PCs. */
import { parseArgs } from 'node:util';
import type { AppMode } from '../../shared/ipc.ts';
import { parseJoinLine } from '../../shared/join-line.ts';
import { COORDINATOR_OPTIONS } from '../core/options/coordinator-options.ts';
import { parseNumber } from '../core/options/parse-options.ts';

export interface LaunchFlags {
  mode?: AppMode;
  server?: string;
  /** From --join LINE: the certificate to pin. */
  fingerprint?: string;
  joinToken?: string;
  port?: number;
  dataDir?: string;
  /** Start without showing a window (the tray is there). */
  hidden: boolean;
  openAtLogin?: boolean;
  /** The coordinator does not announce itself on the LAN (saved): for tests, or labs that add PCs by join line. */
  noAnnounce?: boolean;
}

/** Reads our flags and ignores Electron's and Chromium's own. */
export function parseLaunchFlags(argv: string[], env: NodeJS.ProcessEnv = {}): LaunchFlags {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      server: { type: 'string' },
      join: { type: 'string' },
      'join-token': { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      hidden: { type: 'boolean' },
      'open-at-login': { type: 'boolean' },
      'no-announce': { type: 'boolean' },
    },
  });
  const mode = values.mode;
  if (mode !== undefined && mode !== 'coordinator' && mode !== 'worker') {
    throw new Error(`--mode must be "coordinator" or "worker" (got "${String(mode)}").`);
  }
  // The same limits as `cmdx coordinator --port`.
  const port = values.port === undefined ? undefined : parseNumber(String(values.port), COORDINATOR_OPTIONS.port, '--port');
  // A join line (from the dashboard) carries the address, the fingerprint and maybe the join token.
  const joinText = typeof values.join === 'string' ? values.join : env.CMDX_JOIN;
  const line = joinText ? parseJoinLine(joinText) : undefined;
  if (line && 'error' in line) throw new Error(line.error);
  return {
    mode,
    server: line?.server ?? (typeof values.server === 'string' ? values.server : undefined),
    fingerprint: line?.fingerprint ?? undefined,
    joinToken: line?.joinToken ?? (typeof values['join-token'] === 'string' ? values['join-token'] : env.CMDX_JOIN_TOKEN || undefined),
    port,
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    hidden: values.hidden === true,
    openAtLogin: values['open-at-login'] === true ? true : undefined,
    noAnnounce: values['no-announce'] === true ? true : undefined,
  };
}
