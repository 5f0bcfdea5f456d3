/** Where CMD Executor keeps its files by default: the OS's per-user app data folder (as Electron's userData). */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
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

/**
 * Makes `dir` (created if needed) private to this account: mode 0700. A folder that stays readable or
 * writable by others (not ours to chmod) is refused with a sentence, rather than used as it is.
 */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return dir; // NTFS ACLs, not modes: the user's profile folder is private already
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    const mode = (statSync(dir).mode & 0o777).toString(8);
    throw new Error(
      `${dir} has mode ${mode} and could not be made private (${(error as NodeJS.ErrnoException).code}); fix its permissions (chmod 700) or choose another folder.`,
      { cause: error },
    );
  }
  return dir;
}

/** Makes an existing file private (0600), if it exists. */
export function privateFile(file: string): void {
  if (process.platform !== 'win32' && existsSync(file)) chmodSync(file, 0o600);
}
