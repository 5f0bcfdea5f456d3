/**
 * The account jobs run as. A worker running as root runs jobs as a dedicated unprivileged account
 * (`cmdx-job`, created on first start, or --run-as USER), so a job cannot read the worker's files.
 * A worker running as an ordinary user runs jobs as itself, and says so.
 */
import { execFileSync } from 'node:child_process';

export interface JobUser {
  name: string;
  uid: number;
  gid: number;
}

export const DEFAULT_JOB_USER = 'cmdx-job';

function lookUp(name: string): JobUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** The job account to use, or why jobs run as the worker's own user. */
export function resolveJobUser(requested: string | undefined, uid: number | undefined = process.getuid?.()): JobUser | { unavailable: string } {
  if (uid === undefined) return { unavailable: "separate job accounts are not supported on this platform yet; jobs run as the worker's user" };
  if (uid !== 0) {
    if (requested) return { unavailable: `--run-as ${requested} needs a worker running as root; jobs run as the worker's user` };
    return { unavailable: 'the worker does not run as root, so jobs run as its user and can read its files; install it as a service (see docs/security.md)' };
  }
  const name = requested ?? DEFAULT_JOB_USER;
  const found = lookUp(name);
  if (found) return found.uid === 0 ? { unavailable: `--run-as ${name} is root; pick an unprivileged account` } : found;
  if (requested && requested !== DEFAULT_JOB_USER) return { unavailable: `the account ${requested} (--run-as) does not exist` };
  try {
    // A system account with no home and no login shell: it owns the job folders and nothing else.
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
  } catch (error) {
    return { unavailable: `could not create the account ${name} (${(error as Error).message.split('\n')[0]})` };
  }
  return lookUp(name) ?? { unavailable: `the account ${name} was created but cannot be found` };
}
