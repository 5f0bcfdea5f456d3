/**
 * Jobs in their own cgroup (Linux, cgroup v2): every process a job starts, however it forks or
 * calls setsid, stays in the job's cgroup, and ending the job kills the whole cgroup at once
 * (`cgroup.kill`). Freezing (`cgroup.freeze`) stops it without killing. The v2 hierarchy is found
 * wherever it is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems); jobs go in a
 * `cmdx-jobs` folder under this process's own cgroup, so a delegated subtree (a systemd service with
 * Delegate=yes) is used as systemd expects. Where none of this can be written, callers fall back to
 * process groups and say so.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The cgroup v2 mount point, from /proc/self/mountinfo. */
export function cgroup2Mount(mountinfo = '/proc/self/mountinfo'): string | undefined {
  try {
    for (const line of readFileSync(mountinfo, 'utf8').split('\n')) {
      const [left, right] = line.split(' - ');
      if (right?.startsWith('cgroup2 ')) return left!.split(' ')[4];
    }
  } catch {
    // not Linux, or no /proc
  }
  return undefined;
}

/** This process's own cgroup v2 path ("0::/path" in /proc/self/cgroup). */
function ownCgroup(): string | undefined {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

/** A v1 controller's folder for this process (hybrid systems keep memory and pids there), if writable. */
function v1Controller(controller: 'memory' | 'pids'): string | undefined {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[1]?.split(',').includes(controller));
    const path = line?.split(':')[2];
    const mount = join('/sys/fs/cgroup', controller);
    return path !== undefined && existsSync(join(mount, 'cgroup.procs')) ? join(mount, path) : undefined;
  } catch {
    return undefined;
  }
}

/** One job's cgroup. */
export class JobCgroup {
  readonly path: string;
  /** v1 memory/pids cgroups holding the same processes, where limits live on a hybrid system. */
  readonly #v1: string[] = [];
  /** Where its v1 limit groups go, relative to our own v1 cgroup. */
  readonly #v1Name: string;

  constructor(path: string, v1Name = join('cmdx-jobs', basename(path))) {
    this.path = path;
    this.#v1Name = v1Name;
  }

  /** Moves a process (and what it starts from now on) into the job's cgroup (and its v1 limit groups). */
  add(pid: number): void {
    writeFileSync(join(this.path, 'cgroup.procs'), String(pid));
    for (const dir of this.#v1) writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  }

  /**
   * Memory and process-count limits where a controller allows them: cgroup v2 files when the
   * controllers are enabled for our subtree, else the v1 memory and pids hierarchies. Returns what
   * could not be limited.
   */
  limit(limits: { memoryMb?: number; maxProcs?: number }): string[] {
    const missing: string[] = [];
    const wanted: [controller: 'memory' | 'pids', v2: string, v1: string, value: number | undefined][] = [
      ['memory', 'memory.max', 'memory.limit_in_bytes', limits.memoryMb === undefined ? undefined : Math.round(limits.memoryMb * 1024 * 1024)],
      ['pids', 'pids.max', 'pids.max', limits.maxProcs],
    ];
    for (const [controller, v2File, v1File, value] of wanted) {
      if (value === undefined) continue;
      try {
        if (existsSync(join(this.path, v2File))) {
          writeFileSync(join(this.path, v2File), String(value));
          continue;
        }
        const parent = v1Controller(controller);
        if (!parent) throw new Error('no controller');
        const dir = join(parent, this.#v1Name);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, v1File), String(value));
        this.#v1.push(dir);
      } catch {
        missing.push(controller);
      }
    }
    return missing;
  }

  pids(): number[] {
    try {
      return readFileSync(join(this.path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** Kills every process of the job at once, then waits (bounded) until the cgroup is empty. */
  async kill(timeoutMs = 5000): Promise<boolean> {
    try {
      writeFileSync(join(this.path, 'cgroup.kill'), '1');
    } catch {
      return this.pids().length === 0;
    }
    const deadline = Date.now() + timeoutMs;
    while (this.pids().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.pids().length === 0;
  }

  freeze(frozen: boolean): void {
    writeFileSync(join(this.path, 'cgroup.freeze'), frozen ? '1' : '0');
  }

  /** Removes the (empty) cgroup folders. */
  remove(): void {
    for (const dir of [this.path, ...this.#v1]) {
      try {
        rmdirSync(dir);
      } catch {
        // still busy or already gone: the next start sweeps it
      }
    }
  }
}

/** Where job cgroups are made; undefined when this machine or this process cannot make them. */
export class JobCgroups {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * `cmdx-jobs/<slot>` under our own cgroup, if cgroup v2 with cgroup.kill is there and writable. Each
   * worker on a PC has its own slot, so one never sweeps or kills another's jobs.
   */
  static open(slot: string): JobCgroups | { unavailable: string } {
    if (process.platform !== 'linux') return { unavailable: 'not Linux' };
    const mount = cgroup2Mount();
    if (!mount) return { unavailable: 'no cgroup v2 hierarchy is mounted' };
    const own = ownCgroup();
    if (own === undefined) return { unavailable: 'this process is in no cgroup v2' };
    const root = join(mount, own, 'cmdx-jobs', slot);
    try {
      mkdirSync(root, { recursive: true });
      if (!existsSync(join(root, 'cgroup.kill'))) return { unavailable: `${mount} has no cgroup.kill (kernel older than 5.14)` };
      const probe = new JobCgroup(join(root, `probe-${process.pid}`));
      mkdirSync(probe.path, { recursive: true });
      probe.remove();
    } catch (error) {
      return { unavailable: `cannot create cgroups under ${root} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
    }
    return new JobCgroups(root);
  }

  /** A fresh cgroup for one job. */
  create(jobId: string): JobCgroup {
    const name = `job-${jobId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')}`;
    const cgroup = new JobCgroup(join(this.root, name), join('cmdx-jobs', basename(this.root), name));
    mkdirSync(cgroup.path, { recursive: true });
    return cgroup;
  }

  /** Kills and removes job cgroups a crashed worker left behind. */
  async sweep(): Promise<number> {
    let swept = 0;
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const cgroup = new JobCgroup(join(this.root, entry.name));
      if (cgroup.pids().length > 0) swept++;
      await cgroup.kill();
      cgroup.remove();
    }
    return swept;
  }
}
