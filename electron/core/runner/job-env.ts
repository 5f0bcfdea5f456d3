/**
 * A job's environment: an allow-list of what programs need to run, its own home and temp folder, and
 * CMDX_JOB_ID. POSIX: PATH, locale and time zone, HOME and TMPDIR (TEMP, TMP). Windows: the system's variables
 * (SystemRoot, ComSpec, PATHEXT, ...) and a per-job USERPROFILE, APPDATA, LOCALAPPDATA, TEMP and TMP,
 * with Python told to write UTF-8; nothing from Linux. Nothing else of the worker's or coordinator's
 * environment reaches a job: no CMDX_* secret, no token, no proxy password.
 */
import { join } from 'node:path';

const POSIX_INHERITED = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'LC_NUMERIC', 'LC_TIME', 'TZ', 'TERM'];

// Windows cannot start most programs without these; PSModulePath lets PowerShell find its modules.
const WINDOWS_INHERITED = [
  'PATH',
  'SystemRoot',
  'SystemDrive',
  'windir',
  'ComSpec',
  'PATHEXT',
  'OS',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'PROCESSOR_IDENTIFIER',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'ProgramW6432',
  'ProgramData',
  'CommonProgramFiles',
  'CommonProgramFiles(x86)',
  'CommonProgramW6432',
  'PSModulePath',
];

export interface JobEnvOptions {
  /** The job's home folder (HOME; USERPROFILE on Windows). */
  home: string;
  /** The job's temp folder (TMPDIR; TEMP and TMP on Windows). */
  tmp: string;
  jobId?: string;
}

export function jobEnvironment(source: NodeJS.ProcessEnv, job: JobEnvOptions, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const windows = platform === 'win32';
  const env: Record<string, string> = {};
  for (const name of windows ? WINDOWS_INHERITED : POSIX_INHERITED) {
    const value = source[name] ?? (windows ? valueIgnoringCase(source, name) : undefined);
    if (value !== undefined) env[name] = value;
  }
  if (windows) {
    env.PATH ??= `${env.SystemRoot ?? 'C:\\Windows'}\\System32;${env.SystemRoot ?? 'C:\\Windows'}`;
    Object.assign(env, windowsProfile(job.home), { TEMP: job.tmp, TMP: job.tmp, PYTHONIOENCODING: 'utf-8', PYTHONUTF8: '1' });
  } else {
    env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
    Object.assign(env, { HOME: job.home, TMPDIR: job.tmp, TEMP: job.tmp, TMP: job.tmp });
  }
  if (job.jobId) env.CMDX_JOB_ID = job.jobId;
  return env;
}

/** The per-job profile folders Windows programs write settings and caches to. */
export function windowsProfile(home: string): { USERPROFILE: string; APPDATA: string; LOCALAPPDATA: string } {
  return { USERPROFILE: home, APPDATA: join(home, 'AppData', 'Roaming'), LOCALAPPDATA: join(home, 'AppData', 'Local') };
}

/** Windows names its variables without regard to case (Path, PATH); a copied environment may not. */
function valueIgnoringCase(source: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : source[key];
}
