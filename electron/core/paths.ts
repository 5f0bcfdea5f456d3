/** Where CMD Executor keeps its files by default: the OS's per-user app data folder (as Electron's userData). */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'cmd-executor';

export function appDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_FOLDER);
}

/** A name (job id, file name) safe as one path segment: a safe alphabet, never "." or "..", never hidden. */
export function safeSegment(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}
