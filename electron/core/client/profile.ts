/**
 * The client's profile: the coordinator `cmdx login` checked, its admin token and its certificate
 * fingerprint, in one JSON file only this account can read (mode 0600, in the OS config folder).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appDataDir } from '../paths.ts';

export interface Profile {
  /** The coordinator's origin, e.g. `https://192.168.1.10:3000`. */
  server: string;
  /** The admin token (absent for a coordinator without authentication). */
  token?: string;
  /** The certificate's SHA-256 (64 hex) for https; null for plain http. */
  fingerprint: string | null;
}

/** `<OS config folder>/cmd-executor/client.json` (on Linux `$XDG_CONFIG_HOME/cmd-executor/client.json`). */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(appDataDir(process.platform, env), 'client.json');
}

/** The saved profile, undefined when there is none; a damaged file is an error that says how to mend it. */
export function readProfile(file: string): Profile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const problem = new Error(`${file} is not a cmdx profile; delete it (cmdx logout) and run cmdx login again.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw problem;
  }
  if (typeof value !== 'object' || value === null) throw problem;
  const { server, token, fingerprint } = value as Record<string, unknown>;
  if (typeof server !== 'string' || (token !== undefined && typeof token !== 'string') || (fingerprint !== null && typeof fingerprint !== 'string'))
    throw problem;
  return { server, fingerprint, ...(token ? { token } : {}) };
}

/** Writes the profile so that no other account can read it at any moment: a 0600 file renamed into place. */
export function writeProfile(file: string, profile: Profile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(profile, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    if (process.platform !== 'win32') chmodSync(temporary, 0o600); // the umask could have narrowed it further only
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Deletes the profile; false when there was none. */
export function deleteProfile(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
