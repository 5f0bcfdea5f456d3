/**
 * Runs a job's command lines one after another through the platform shell, streams their output,
 * and stops the whole process tree on timeout or cancel. Used by the worker and by the coordinator's
 * direct mode. Each line runs in its own process group so that children whose shell already exited
 * can still be found and stopped; whatever is still alive in those groups when the job ends is killed.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { constants as osConstants, setPriority } from 'node:os';
import treeKill from 'tree-kill';
import { ENTER_DIR } from './job-namespace.ts';
import { garbageBudget } from './memory.ts';
import { groupAlive } from './process-groups.ts';
import type { JobCgroup } from './cgroup.ts';
import type { WarmShell } from './warm-shell.ts';

export type OutputStreamName = 'stdout' | 'stderr';

export type RunResult =
  { status: 'completed'; exitCode: number } | { status: 'timed_out'; afterSeconds: number } | { status: 'cancelled' } | { status: 'error'; message: string };

export interface RunOptions {
  /** The job's command text: one command per line; blank lines are skipped. */
  commands: string;
  cwd: string;
  /** Called with each piece of output; if it returns a promise, reading pauses until it settles (backpressure). */
  onOutput: (stream: OutputStreamName, chunk: Buffer) => void | Promise<void>;
  /** Called when a line's process has started (for pickup timing and logs). */
  onCommandStart?: (line: string, pid: number, startedAt: number) => void;
  timeoutMs?: number;
  /** Aborting cancels the job: the tree gets SIGTERM, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  killGraceMs?: number;
  /** The environment, when there is no sandbox (the self-check); a sandbox's replaces it. */
  env?: NodeJS.ProcessEnv;
  /** How the job is confined: its environment, its account and its cgroup. */
  sandbox?: JobSandbox;
  platform?: NodeJS.Platform;
  spawn?: typeof nodeSpawn;
  /** A shell forked ahead of time (POSIX); lines start in it when it is ready. */
  warmShell?: WarmShell;
  /** `low`: every process of the job runs at a lowered CPU priority (nice 10; below normal on Windows). */
  priority?: 'low' | 'normal';
  /** Freezes and thaws the job (the PC's user came back, then left); the timeout does not run while frozen. */
  suspension?: Suspension;
}

/** Tells a running job to freeze or thaw. */
export interface Suspension {
  readonly suspended: boolean;
  subscribe(listener: (suspended: boolean) => void): () => void;
}

/** The nice value of a low-priority job: the same as BELOW_NORMAL on Windows. */
const LOW_PRIORITY = osConstants.priority.PRIORITY_BELOW_NORMAL;
/** A job frozen this long without a break (the PC in use for a day) is stopped as timed out. */
const MAX_FROZEN_MS = 24 * 3600_000;

export interface JobSandbox {
  /** The whole environment the job sees (see job-env.ts). */
  env: Record<string, string>;
  jobId?: string;
  /** Run as this account (the worker is root). */
  user?: { uid: number; gid: number };
  /** Every process is moved in here before its command runs; the job's end kills the cgroup. */
  cgroup?: JobCgroup;
  /** The holder of the job's PID and mount namespaces (job-namespace.ts): every line enters them. */
  namespacePid?: number;
}

// Waits for a go-ahead on stdin (the parent first moves it into the job's cgroup), then becomes the command.
// It enters the job's folder only then, as the job's account: a folder the job swapped for a link can
// lead it nowhere its account could not go by itself.
const GATE = `IFS= read -r _go; exec /bin/sh -c '${ENTER_DIR}' cmdx "$2" /bin/sh -c "$1"`;
// The same, entering the job's namespaces first (as root), then dropping to the job account.
const NAMESPACED_GATE = `IFS= read -r _go; exec nsenter -t "$2" -p -m -i -- setpriv --reuid="$4" --regid="$5" --clear-groups -- /bin/sh -c '${ENTER_DIR}' cmdx "$3" /bin/sh -c "$1"`;

/** Splits command text into the lines to run (CRLF-safe, blank lines dropped). */
export function commandLines(commands: string): string[] {
  return commands
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** How a line is handed to the platform shell. */
export function shellInvocation(line: string, platform: NodeJS.Platform): { file: string; args: string[]; options: SpawnOptions } {
  if (platform === 'win32') {
    return { file: process.env.ComSpec || 'cmd.exe', args: ['/d', '/s', '/c', `"${line}"`], options: { windowsVerbatimArguments: true, windowsHide: true } };
  }
  // detached: the shell leads a new process group, so the group can be signalled as a whole.
  return { file: '/bin/sh', args: ['-c', line], options: { detached: true } };
}

/** Only real child pids: never 0, 1 or a negative number, which would signal far more than the job. */
function isSignallablePid(pid: number | undefined): pid is number {
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 1;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

export async function runCommands(runOptions: RunOptions): Promise<RunResult> {
  // The shell enters the folder itself (as the job's account); a folder that is not there is no job to run.
  if (!isFolder(runOptions.cwd)) return { status: 'error', message: `Could not start the commands: the folder ${runOptions.cwd} does not exist.` };
  // Whether the last byte either stream printed ended a line: each command's header starts a line of its own.
  let atLineStart = true;
  const options: RunOptions = {
    ...runOptions,
    onOutput: (stream, chunk) => {
      if (chunk.length > 0) atLineStart = chunk[chunk.length - 1] === 0x0a;
      return runOptions.onOutput(stream, chunk);
    },
  };
  const platform = options.platform ?? process.platform;
  const spawn = options.spawn ?? nodeSpawn;
  const killGraceMs = options.killGraceMs ?? 10_000;
  const lines = commandLines(options.commands);
  const groups: number[] = [];
  let stopReason: 'timeout' | 'cancel' | undefined;
  let current: ChildProcess | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  // `walkTree`: also each descendant by tree-kill (one `ps` per process): for a stop, not for the 500 ms freezing rounds.
  const stopTree = (signal: NodeJS.Signals, walkTree = true) => {
    const child = current;
    if (walkTree && child && isSignallablePid(child.pid) && child.exitCode === null && child.signalCode === null) {
      treeKill(child.pid, signal, () => {});
    }
    if (platform !== 'win32') for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, signal);
    // The cgroup holds what left the process groups (setsid, double fork).
    const cgroup = options.sandbox?.cgroup;
    if (cgroup) for (const pid of cgroup.pids()) signalPid(pid, signal);
  };
  let stoppedAt = Infinity;
  const stop = (reason: 'timeout' | 'cancel') => {
    if (stopReason) return;
    stopReason = reason;
    stoppedAt = performance.now();
    if (options.suspension?.suspended) freeze(false); // a frozen process cannot act on SIGTERM
    stopTree('SIGTERM');
    killTimer = setTimeout(() => stopTree('SIGKILL'), killGraceMs);
    killTimer.unref();
  };

  // The timeout counts running time only: it stops while the job is frozen and goes on when thawed.
  let remainingMs = options.timeoutMs ?? 0;
  let timerStarted = 0;
  let timeout: NodeJS.Timeout | undefined;
  const startTimeout = () => {
    if (!options.timeoutMs || stopReason) return;
    timerStarted = performance.now();
    timeout = setTimeout(() => stop('timeout'), remainingMs);
    timeout.unref();
  };
  // Frozen: SIGSTOP to every process of the job (state T in /proc); then, once they stopped, its cgroup
  // frozen too (atomic: no process of the job can thaw another), and a new SIGSTOP round every 200 ms
  // for whatever a job without a cgroup let slip. Windows has no SIGSTOP (tree-kill would kill): there
  // a job that should freeze runs on (the policy's "finish").
  let refreeze: NodeJS.Timeout | undefined;
  let frozenSince = 0;
  const freeze = (frozen: boolean) => {
    clearInterval(refreeze);
    const cgroup = options.sandbox?.cgroup;
    if (!frozen) {
      try {
        cgroup?.freeze(false);
      } catch {
        // no freezer here: SIGCONT does it
      }
      stopTree('SIGCONT', false);
      if (options.sandbox?.namespacePid !== undefined) resumeNsenter();
      return;
    }
    frozenSince = performance.now();
    stopTree('SIGSTOP', false);
    let rounds = 0;
    refreeze = setInterval(() => {
      if (!options.suspension?.suspended || stopReason) return clearInterval(refreeze);
      if (performance.now() - frozenSince > MAX_FROZEN_MS) return stop('timeout'); // not frozen forever
      stopTree('SIGSTOP', false);
      if (++rounds === 1) {
        try {
          cgroup?.freeze(true);
        } catch {
          // cgroup v1 or no freezer: the SIGSTOP rounds hold it
        }
      }
    }, 200);
    refreeze.unref();
  };
  // nsenter, on seeing its child stopped, stops itself (and so never reaps it): after a thaw it is continued until it runs.
  const resumeNsenter = () => {
    const until = performance.now() + 5000;
    const check = setInterval(() => {
      const pid = current?.pid;
      if (performance.now() > until || options.suspension?.suspended || stopReason || pid === undefined) return clearInterval(check);
      if (processState(pid) === 'T') signalPid(pid, 'SIGCONT');
    }, 50);
    check.unref();
  };
  const onSuspension = (suspended: boolean) => {
    if (stopReason) return;
    if (suspended) {
      clearTimeout(timeout);
      remainingMs = Math.max(0, remainingMs - (performance.now() - timerStarted));
      freeze(true);
    } else {
      freeze(false);
      startTimeout();
    }
  };
  const canFreeze = platform !== 'win32';
  const unsubscribe = canFreeze ? options.suspension?.subscribe(onSuspension) : undefined;
  if (canFreeze && options.suspension?.suspended) onSuspension(true);
  else startTimeout();
  const onAbort = () => stop('cancel');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    let exitCode = 0;
    // A stop that came after the last command had ended by itself leaves the commands' real result.
    let finishedBeforeStop = false;
    for (const [index, line] of lines.entries()) {
      if (stopReason) break;
      await options.onOutput('stdout', Buffer.from(`${atLineStart ? '' : '\n'}$ ${line}\n`));
      const child = startLine(line, options, platform, spawn);
      options.warmShell?.prepare(); // ready for the next line or job
      current = child;
      if (platform !== 'win32' && isSignallablePid(child.pid)) groups.push(child.pid);
      const result = await waitForChild(child, line, options);
      current = undefined;
      if (result.status === 'error') return result;
      exitCode = result.exitCode;
      const last = exitCode !== 0 || index === lines.length - 1;
      finishedBeforeStop = last && result.exitedAt < stoppedAt;
      if (exitCode !== 0) break;
    }
    if (finishedBeforeStop) return { status: 'completed', exitCode };
    if (stopReason === 'timeout') return { status: 'timed_out', afterSeconds: Math.round((options.timeoutMs ?? 0) / 1000) };
    if (stopReason === 'cancel') return { status: 'cancelled' };
    return { status: 'completed', exitCode };
  } finally {
    clearTimeout(timeout);
    clearInterval(refreeze);
    unsubscribe?.();
    options.signal?.removeEventListener('abort', onAbort);
    await killLeftovers(groups, platform, killGraceMs);
    await options.sandbox?.cgroup?.kill(); // whatever escaped the process groups dies with the job
    clearTimeout(killTimer);
  }
}

/**
 * Starts one line: in the warm shell when it can (same user), else through a gated shell that waits
 * until it is in the job's cgroup. Either way no process of the job runs outside its cgroup.
 */
function startLine(line: string, options: RunOptions, platform: NodeJS.Platform, spawn: typeof nodeSpawn): ChildProcess {
  const sandbox = options.sandbox;
  // Before the command runs: into the job's cgroup, and down in priority (its children inherit both).
  const intoCgroup = (pid: number) => {
    sandbox?.cgroup?.add(pid);
    if (options.priority === 'low') setPriority(pid, LOW_PRIORITY);
  };
  if (platform !== 'win32' && (sandbox || !options.env)) {
    const warm = options.warmShell?.take(line, options.cwd, { jobId: sandbox?.jobId, namespacePid: sandbox?.namespacePid, beforeStart: intoCgroup });
    if (warm) {
      options.onCommandStart?.(line, warm.pid!, Date.now());
      return warm;
    }
  }
  const env = sandbox?.env ?? options.env ?? process.env;
  if (platform === 'win32') {
    const shell = shellInvocation(line, platform);
    const child = spawn(shell.file, shell.args, { ...shell.options, cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('spawn', () => {
      if (options.priority === 'low' && isSignallablePid(child.pid)) setPriority(child.pid, LOW_PRIORITY);
      options.onCommandStart?.(line, child.pid ?? -1, Date.now());
    });
    return child;
  }
  // detached: the shell leads a new process group, so the group can be signalled as a whole.
  const namespaced = sandbox?.namespacePid !== undefined && sandbox.user !== undefined;
  const child = namespaced
    ? spawn('/bin/sh', ['-c', NAMESPACED_GATE, 'cmdx', line, String(sandbox.namespacePid), options.cwd, String(sandbox.user!.uid), String(sandbox.user!.gid)], {
        detached: true,
        cwd: '/', // the folder is entered inside, as the job's account
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn('/bin/sh', ['-c', GATE, 'cmdx', line, options.cwd], {
        detached: true,
        cwd: '/',
        env,
        ...(sandbox?.user ? { uid: sandbox.user.uid, gid: sandbox.user.gid } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
  child.once('spawn', () => {
    try {
      if (isSignallablePid(child.pid)) intoCgroup(child.pid);
      child.stdin.end('\n');
      options.onCommandStart?.(line, child.pid ?? -1, Date.now());
    } catch {
      child.kill('SIGKILL'); // never run a job's command outside its cgroup
    }
  });
  child.stdin.on('error', () => {}); // the shell may be gone before it reads the go-ahead
  return child;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The state letter of /proc/PID/stat (R, S, T, Z...); undefined when it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  if (!isSignallablePid(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Background processes a line left behind (`server &`) do not outlive the job. */
async function killLeftovers(groups: number[], platform: NodeJS.Platform, graceMs: number): Promise<void> {
  if (platform === 'win32') return;
  let alive = groups.filter(groupAlive);
  if (alive.length === 0) return;
  for (const pgid of alive) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + Math.min(graceMs, 2000);
  while (Date.now() < deadline && (alive = alive.filter(groupAlive)).length > 0) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const pgid of alive) signalGroup(pgid, 'SIGKILL');
}

/** After the shell exits, how long its pipes may stay open (held by a background child) before we stop reading. */
const PIPE_DRAIN_MS = 500;

function waitForChild(
  child: ChildProcess,
  line: string,
  options: RunOptions,
): Promise<{ status: 'done'; exitCode: number; exitedAt: number } | { status: 'error'; message: string }> {
  return new Promise((resolve) => {
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let waitingOnConsumer = 0;
    const done = () => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(drainTimer);
      resolve({ status: 'done', exitCode: exit.code ?? 128 + signalNumber(exit.signal), exitedAt: exit.at });
    };
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      resolve({ status: 'error', message: `Could not start the shell for "${line}": ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: performance.now() };
      // A background process (`server &`) keeps the pipes open; do not wait for it to finish.
      const stopReading = () => {
        // Output we already read but the consumer has not taken yet is never thrown away.
        if (waitingOnConsumer > 0) return void (drainTimer = setTimeout(stopReading, PIPE_DRAIN_MS));
        child.stdout?.destroy();
        child.stderr?.destroy();
        done();
      };
      drainTimer = setTimeout(stopReading, PIPE_DRAIN_MS);
    });
    child.once('close', (code, signal) => {
      exit ??= { code, signal, at: performance.now() };
      done();
    });
    const noteRead = garbageBudget();
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = child[name]!;
      stream.on('data', (chunk: Buffer) => {
        noteRead(chunk.length);
        const pending = options.onOutput(name, chunk);
        if (pending && typeof pending.then === 'function') {
          stream.pause();
          waitingOnConsumer++;
          const resume = () => {
            waitingOnConsumer--;
            stream.resume();
          };
          pending.then(resume, resume);
        }
      });
    }
  });
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && SIGNAL_NUMBERS[signal]) || 1;
}
