/**
 * A job's own PID and mount namespaces (Linux, a root worker): the job sees only its own processes in
 * `/proc` (not the worker's command line, not another job), and gets a private `/tmp`, `/var/tmp`,
 * `/dev/shm` and `/run/lock` that vanish with it, so nothing it leaves there reaches the next job.
 * A holder process (PID 1 of the namespace) keeps them; every command line enters them with nsenter,
 * and killing the holder at the job's end kills whatever is left inside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** The folders each job gets fresh (a RAM tmpfs, bounded, charged to the job's cgroup as it writes). */
export const PRIVATE_TEMPS = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'];
const TMPFS_SIZE = '512m';

// Mounts the private temps; the jobs folder (under /tmp) is bound back in through an open descriptor, then the holder waits.
const SETUP = [
  'set -e',
  'exec 3<"$1"',
  ...PRIVATE_TEMPS.map((dir) => `if [ -d ${dir} ] && [ ! -L ${dir} ]; then mount -t tmpfs -o mode=1777,nosuid,nodev,size=${TMPFS_SIZE} cmdx-job ${dir}; fi`),
  'mkdir -p "$1"',
  'mount --no-canonicalize --bind /proc/self/fd/3 "$1"', // canonicalized, the magic link would name the new, empty folder
  'exec 3<&-',
  'echo ready',
  'exec sleep infinity',
].join('\n');

/**
 * Enters the folder (arg 1) and becomes the rest of the arguments; run as the job's account (a folder the
 * job swapped for a link then leads nowhere its account could not go), and inside the namespaces (nsenter
 * --wd would open it outside, leaving a cwd the job cannot name).
 */
export const ENTER_DIR = 'cd -- "$1" || { echo "cmdx: cannot enter $1" >&2; exit 127; }; shift; exec "$@" </dev/null';

export interface JobNamespace {
  /** The holder's pid, for nsenter -t. */
  readonly pid: number;
  /** unshare and the holder: they go into the job's cgroup, so a restarted worker's sweep ends them too. */
  readonly holderPids: number[];
  /** Kills the holder: the kernel kills every process left in the namespace, and the tmpfs mounts go. */
  close(): Promise<void>;
}

/** Why jobs get no namespaces here, or undefined when they can. */
export function namespacesUnavailable(platform = process.platform, uid = process.getuid?.()): string | undefined {
  if (platform !== 'linux') return 'no PID or mount namespaces on this platform';
  if (uid !== 0) return 'namespaces need a worker running as root';
  const tool = ['unshare', 'nsenter', 'setpriv'].find((name) => !['/usr/bin', '/bin'].some((dir) => existsSync(`${dir}/${name}`)));
  return tool ? `${tool} (util-linux) is not installed` : undefined;
}

/** Starts a job's namespaces; `jobsRoot` (under /tmp) stays visible in them. Rejects with the reason when the kernel refuses. */
export function startJobNamespace(jobsRoot: string, timeoutMs = 10_000): Promise<JobNamespace> {
  // The holder dies with the worker (setpriv's pdeathsig), and everything in the namespace with it
  // (--kill-child, and the kernel for a PID namespace's first process): a killed worker leaves nothing running.
  // --ipc: System V shared memory and message queues of a job are its own, and go with it.
  const unshare = ['unshare', '--kill-child=SIGKILL', '--pid', '--fork', '--mount', '--ipc', '--propagation', 'private', '--mount-proc'];
  const holder = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', ...unshare, '--', '/bin/sh', '-c', SETUP, 'cmdx-ns', jobsRoot], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: a job's group signal never reaches it
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(new Error('the job namespace did not start within 10 s')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      holder.kill('SIGKILL');
      reject(error);
    };
    holder.once('error', fail);
    holder.once('exit', (code) => fail(new Error(`could not make the job's namespaces (exit ${code}): ${stderr.trim().slice(0, 300)}`)));
    holder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    holder.stdout.once('data', () => {
      clearTimeout(timer);
      holder.removeAllListeners('exit');
      holder.stdout.resume();
      try {
        resolve(namespaceOf(holder));
      } catch (error) {
        fail(error as Error);
      }
    });
  });
}

function namespaceOf(holder: ChildProcess): JobNamespace {
  const exited = new Promise<void>((resolve) => (holder.exitCode !== null || holder.signalCode !== null ? resolve() : holder.once('exit', () => resolve())));
  // nsenter's target is the unshare's child (PID 1 inside), the shell that became `sleep`: unshare itself stays outside.
  const inner = innerPid(holder.pid!);
  return {
    pid: inner,
    holderPids: [holder.pid!, inner],
    async close() {
      try {
        process.kill(-holder.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
      await exited;
    },
  };
}

/** The one child of unshare --fork: PID 1 of the new namespace, as the worker sees it. */
function innerPid(unsharePid: number): number {
  try {
    const child = Number(readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0]);
    if (child > 1) return child;
  } catch {
    // no children file in this kernel: look for the process whose parent is unshare
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (new RegExp(`^PPid:\\s+${unsharePid}$`, 'm').test(readFileSync(`/proc/${entry}/status`, 'utf8'))) return Number(entry);
    } catch {
      // gone
    }
  }
  throw new Error('the job namespace has no first process');
}
