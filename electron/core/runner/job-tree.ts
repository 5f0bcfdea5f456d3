/**
 * Every process of a running job, to signal as one. POSIX: the current line's shell and its descendants
 * (tree-kill), the process group of every line so far, and the job's cgroup (what left the groups by
 * setsid or a double fork). Windows: the job's Job Object (a stop terminates it, a freeze suspends its
 * processes); tree-kill (taskkill /T) only when there is none. What is still alive at the job's end is killed.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import treeKill from 'tree-kill';
import type { JobCgroup } from './cgroup.ts';
import { groupAlive } from './process-groups.ts';
import type { WindowsJobObject } from './windows/job-object.ts';

export class JobTree {
  readonly #platform: NodeJS.Platform;
  readonly #cgroup: JobCgroup | undefined;
  readonly #jobObject: WindowsJobObject | undefined;
  readonly #groups: number[] = [];
  /** The line running now, if any. */
  current: ChildProcess | undefined;

  constructor(platform: NodeJS.Platform, cgroup: JobCgroup | undefined, jobObject?: WindowsJobObject) {
    this.#platform = platform;
    this.#cgroup = cgroup;
    this.#jobObject = jobObject;
  }

  /** A line's shell started: it leads its own process group (POSIX). */
  started(child: ChildProcess): void {
    this.current = child;
    if (this.#platform !== 'win32' && isSignallablePid(child.pid)) this.#groups.push(child.pid);
  }

  /** `walkTree`: also each descendant by tree-kill (one `ps` per process): for a stop, not for the freezing rounds. */
  signal(signal: NodeJS.Signals, walkTree = true): void {
    if (this.#jobObject && this.#signalJobObject(signal)) return;
    const child = this.current;
    if (walkTree && child && isSignallablePid(child.pid) && child.exitCode === null && child.signalCode === null) {
      treeKill(child.pid, signal, () => {});
    }
    if (this.#platform !== 'win32') for (const pgid of this.#groups) if (groupAlive(pgid)) signalGroup(pgid, signal);
    if (this.#cgroup) for (const pid of this.#cgroup.pids()) signalPid(pid, signal);
  }

  /** A stop terminates the Job Object, a freeze suspends it; false: Windows refused, fall back to tree-kill. */
  #signalJobObject(signal: NodeJS.Signals): boolean {
    const jobObject = this.#jobObject!;
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      jobObject.freeze(signal === 'SIGSTOP');
      return true;
    }
    return jobObject.terminate();
  }

  /** Background processes a line left behind (`server &`, `start /b`) do not outlive the job; then the cgroup goes. */
  async killLeftovers(graceMs: number): Promise<void> {
    if (this.#jobObject) await this.#jobObject.kill();
    if (this.#platform !== 'win32') {
      let alive = this.#groups.filter(groupAlive);
      if (alive.length > 0) {
        for (const pgid of alive) signalGroup(pgid, 'SIGTERM');
        const deadline = Date.now() + Math.min(graceMs, 2000);
        while (Date.now() < deadline && (alive = alive.filter(groupAlive)).length > 0) await new Promise((r) => setTimeout(r, 50));
        for (const pgid of alive) signalGroup(pgid, 'SIGKILL');
      }
    }
    await this.#cgroup?.kill(); // whatever escaped the process groups dies with the job
  }
}

export function isSignallablePid(pid: number | undefined): pid is number {
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 1;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

/** The state letter of /proc/PID/stat (R, S, T, Z...); undefined when it is gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  if (!isSignallablePid(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
