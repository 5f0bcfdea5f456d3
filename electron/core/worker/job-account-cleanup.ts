/**
 * What is left of a job account's job after the job: every process of the account (whatever cgroup it
 * escaped to), its files in the shared temp folders, and what it scheduled with cron or at (Linux).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';

/**
 * SIGKILL to every process of `uid` (Linux /proc), whatever cgroup it is in, repeated until none is
 * left (bounded). Only another worker's running job on this PC (its own cgroup slot) is left alone.
 */
export async function killEveryProcessOf(uid: number, ownSlot: string): Promise<void> {
  if (process.platform !== 'linux') return;
  const inAJob = (pid: string) => {
    try {
      const path = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      return path.includes('/cmdx-jobs/') && !path.includes(`/cmdx-jobs/${ownSlot}/`);
    } catch {
      return false;
    }
  };
  for (let round = 0; round < 50; round++) {
    const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && ownerOf(`/proc/${entry}`) === uid && !inAJob(entry));
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Removes what `uid` left at the top of shared temp folders (only its own entries). */
export async function removeFilesOf(uid: number, folders: string[]): Promise<void> {
  for (const folder of folders) {
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      continue;
    }
    for (const entry of entries) if (ownerOf(join(folder, entry)) === uid) await rm(join(folder, entry), { recursive: true, force: true });
  }
}

export const SHARED_TEMPS = ['/tmp', '/var/tmp', '/dev/shm'];

export function mtimeOf(path: string): number | undefined {
  try {
    return lstatSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return lstatSync(path).uid;
  } catch {
    return undefined;
  }
}

/**
 * The job account may not schedule anything with cron or at: what they start runs outside any job.
 * Its name goes into /etc/cron.deny and /etc/at.deny (read when no .allow file lists users).
 */
export function denyScheduling(name: string, uid: number, logger: Logger): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  for (const file of ['/etc/cron.deny', '/etc/at.deny']) {
    try {
      const listed = existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .map((line) => line.trim())
        : [];
      if (!listed.includes(name)) writeFileSync(file, `${listed.filter(Boolean).concat(name).join('\n')}\n`, { mode: 0o644 });
    } catch (error) {
      logger.warn(`could not deny cron and at to ${name}`, { file, error: (error as Error).message });
    }
  }
  // What it scheduled before the deny lists named it would still run between jobs: its crontab and at jobs go.
  for (const file of [`/var/spool/cron/crontabs/${name}`, `/var/spool/cron/${name}`]) rmSync(file, { force: true });
  for (const dir of ['/var/spool/cron/atjobs', '/var/spool/at']) {
    try {
      for (const entry of readdirSync(dir)) if (ownerOf(join(dir, entry)) === uid) rmSync(join(dir, entry), { force: true });
    } catch {
      // no at spool on this PC
    }
  }
}
