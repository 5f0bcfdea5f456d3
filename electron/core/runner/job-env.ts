/**
 * A job's environment: an allow-list of what programs need to run (PATH, locale, time zone, and on
 * Windows the system folders), its own HOME and temp folder, and CMDX_JOB_ID. Nothing else of the
 * worker's or coordinator's environment reaches a job: no CMDX_* secret, no token, no proxy password.
 */

const INHERITED = [
  'PATH',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'LC_NUMERIC',
  'LC_TIME',
  'TZ',
  'TERM',
  // Windows cannot start most programs without these.
  'SystemRoot',
  'SystemDrive',
  'windir',
  'ComSpec',
  'PATHEXT',
  'OS',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'ProgramData',
  'CommonProgramFiles',
];

export interface JobEnvOptions {
  /** The job's HOME (and USERPROFILE on Windows). */
  home: string;
  /** The job's temp folder (TMPDIR, TEMP, TMP). */
  tmp: string;
  jobId?: string;
}

export function jobEnvironment(source: NodeJS.ProcessEnv, job: JobEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  Object.assign(env, { HOME: job.home, TMPDIR: job.tmp, TEMP: job.tmp, TMP: job.tmp });
  if (process.platform === 'win32') env.USERPROFILE = job.home;
  if (job.jobId) env.CMDX_JOB_ID = job.jobId;
  return env;
}
