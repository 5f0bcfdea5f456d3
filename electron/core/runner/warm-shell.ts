/**
 * A shell started ahead of time that waits on stdin for a folder and a command line, then `exec`s the
 * command. Forking a Node process of ~70 MB takes 8-16 ms on a small VM (measured; it grows with the
 * parent's memory), so forking before the job arrives takes that cost out of the pickup path. The
 * command gets the same process (and process group, pipes and exit code) as a normal spawn would give.
 * POSIX only; Windows spawns normally.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { ENTER_DIR } from './job-namespace.ts';

// Reads the folder, the job id and the command, enters the folder and becomes the command (stdin from
// /dev/null, as with a normal spawn); with a job account it drops to it only now, after the worker moved
// it into the job's cgroup, so no process of the job account ever waits outside a job.
// With the pid of a job's namespace holder (job-namespace.ts), it enters the job's PID and mount namespaces first.
const script = (drop: string) =>
  'IFS= read -r dir || exit 0; IFS= read -r CMDX_JOB_ID || exit 0; export CMDX_JOB_ID; IFS= read -r ns || exit 0; IFS= read -r cmd || exit 0; ' +
  `if [ -n "$ns" ]; then exec nsenter -t "$ns" -p -m -i -- ${drop}/bin/sh -c '${ENTER_DIR}' cmdx "$dir" /bin/sh -c "$cmd"; fi; ` +
  `exec ${drop}/bin/sh -c '${ENTER_DIR}' cmdx "$dir" /bin/sh -c "$cmd"`;

export class WarmShell {
  readonly #spawn: typeof nodeSpawn;
  readonly #env: NodeJS.ProcessEnv;
  readonly #script: string;
  #ready: ChildProcess | undefined;

  /**
   * `env`: the job environment (the job id comes later, with the command). The shell waits as our own
   * user; `dropTo` makes the command run as the job account (through setpriv, util-linux).
   */
  constructor(options: { env?: NodeJS.ProcessEnv; dropTo?: { uid: number; gid: number }; spawn?: typeof nodeSpawn } = {}) {
    this.#spawn = options.spawn ?? nodeSpawn;
    this.#env = options.env ?? process.env;
    const drop = options.dropTo;
    this.#script = script(drop ? `setpriv --reuid=${drop.uid} --regid=${drop.gid} --clear-groups -- ` : '');
  }

  /** Starts a waiting shell if none is ready (call when the next command is near). */
  prepare(): void {
    if (this.#ready && this.#ready.exitCode === null && this.#ready.signalCode === null) return;
    const child = this.#spawn('/bin/sh', ['-c', this.#script], { detached: true, cwd: tmpdir(), env: this.#env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.on('error', () => {
      if (this.#ready === child) this.#ready = undefined;
    });
    child.once('exit', () => {
      if (this.#ready === child) this.#ready = undefined;
    });
    // A waiting shell must not keep the process alive; if we die, its stdin closes and it exits.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.#ready = child;
  }

  /**
   * Hands `line` to the waiting shell in `cwd`; undefined when none is ready (spawn normally then).
   * `beforeStart` runs while the shell still waits (e.g. to move it into the job's cgroup).
   */
  take(line: string, cwd: string, job: { jobId?: string; namespacePid?: number; beforeStart?: (pid: number) => void } = {}): ChildProcess | undefined {
    const child = this.#ready;
    this.#ready = undefined;
    const jobId = job.jobId ?? '';
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null || /[\r\n]/.test(line + cwd + jobId)) return undefined;
    try {
      job.beforeStart?.(child.pid);
    } catch {
      child.kill('SIGKILL');
      return undefined;
    }
    child.ref();
    (child.stdout as unknown as { ref?: () => void }).ref?.();
    (child.stderr as unknown as { ref?: () => void }).ref?.();
    child.stdin!.end(`${cwd}\n${jobId}\n${job.namespacePid ?? ''}\n${line}\n`);
    return child;
  }

  /** Stops the waiting shell (at shutdown). */
  close(): void {
    this.#ready?.stdin?.end();
    this.#ready = undefined;
  }
}
