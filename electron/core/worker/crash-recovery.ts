/**
 * What lets a worker recover from its own crash: a lock on the work dir, and a marker of the running
 * job with the process groups it started, so a restarted worker reports that job as failed and stops
 * what it left running.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { groupAlive, processAlive } from '../runner/process-groups.ts';
import type { Outbox } from './outbox.ts';

const MARKER_FILE = 'current-job.json';
const LOCK_FILE = 'worker.lock';

interface MarkerData {
  jobId: string;
  /** When this machine booted (ms), to tell whether the process groups below can still be ours. */
  bootTime: number;
  processGroups: number[];
}

function bootTime(): number {
  return Date.now() - uptime() * 1000;
}

/** Takes the work dir for this process; throws a sentence if another live worker has it. */
export function lockWorkDir(workDir: string): void {
  const lock = join(workDir, LOCK_FILE);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(pid) && pid > 1 && pid !== process.pid && processAlive(pid)) {
      throw new Error(`Another worker (pid ${pid}) is using the work dir ${workDir}; stop it or pass another --work-dir.`);
    }
  }
  writeFileSync(lock, String(process.pid));
}

export function unlockWorkDir(workDir: string): void {
  rmSync(join(workDir, LOCK_FILE), { force: true });
}

/** The running job's marker on disk, rewritten as its commands start new process groups. */
export class JobMarker {
  readonly #file: string;
  readonly #data: MarkerData;

  constructor(workDir: string, jobId: string) {
    this.#file = join(workDir, MARKER_FILE);
    this.#data = { jobId, bootTime: bootTime(), processGroups: [] };
    this.write();
  }

  addProcessGroup(pgid: number): void {
    if (process.platform === 'win32' || pgid <= 1) return;
    this.#data.processGroups.push(pgid);
    this.write();
  }

  /** The job's report is delivered (or in the outbox): nothing to recover any more. */
  clear(): void {
    rmSync(this.#file, { force: true });
  }

  private write(): void {
    writeFileSync(this.#file, JSON.stringify(this.#data));
  }
}

/**
 * After a crash or kill: report the job that was running as failed, and stop the processes it left
 * behind (only in the same boot, so a reused process-group id is never signalled after a reboot).
 */
export function recoverInterruptedJob(workDir: string, outbox: Outbox, logger: Logger): void {
  const file = join(workDir, MARKER_FILE);
  if (!existsSync(file)) return;
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8')) as MarkerData;
    if (outbox.has(marker.jobId)) {
      logger.warn('the worker restarted after its job ended; sending the report it kept', { jobId: marker.jobId });
    } else {
      outbox.put({ kind: 'failure', jobId: marker.jobId, errorMessage: 'worker restarted while running this job', endReason: 'worker_restarted' });
      logger.warn('the worker restarted while running a job; reporting it as failed', { jobId: marker.jobId });
    }
    if (Math.abs((marker.bootTime ?? 0) - bootTime()) < 10_000) {
      for (const pgid of marker.processGroups ?? []) {
        if (!Number.isInteger(pgid) || pgid <= 1 || !groupAlive(pgid)) continue;
        logger.warn('stopping processes the interrupted job left running', { jobId: marker.jobId, processGroup: pgid });
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  } catch {
    // unreadable marker: nothing we can report
  }
  rmSync(file, { force: true });
  rmSync(join(workDir, 'jobs'), { recursive: true, force: true });
}
