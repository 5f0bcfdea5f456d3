/**
 * Runs a job's command lines one after another through the platform shell, streams their output,
 * and stops the whole process tree on timeout or cancel. Used by the worker and by the coordinator's
 * direct mode. Each line runs in its own process group so that children whose shell already exited
 * can still be found and stopped; whatever is still alive in those groups when the job ends is killed.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import treeKill from 'tree-kill';
import { garbageBudget } from './memory.ts';
import { groupAlive } from './process-groups.ts';
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
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  spawn?: typeof nodeSpawn;
  /** A shell forked ahead of time (POSIX); lines start in it when it is ready. */
  warmShell?: WarmShell;
}

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

export async function runCommands(options: RunOptions): Promise<RunResult> {
  const platform = options.platform ?? process.platform;
  const spawn = options.spawn ?? nodeSpawn;
  const killGraceMs = options.killGraceMs ?? 10_000;
  const lines = commandLines(options.commands);
  const groups: number[] = [];
  let stopReason: 'timeout' | 'cancel' | undefined;
  let current: ChildProcess | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const stopTree = (signal: NodeJS.Signals) => {
    const child = current;
    if (child && isSignallablePid(child.pid) && child.exitCode === null && child.signalCode === null) {
      treeKill(child.pid, signal, () => {});
    }
    if (platform !== 'win32') for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, signal);
  };
  const stop = (reason: 'timeout' | 'cancel') => {
    if (stopReason) return;
    stopReason = reason;
    stopTree('SIGTERM');
    killTimer = setTimeout(() => stopTree('SIGKILL'), killGraceMs);
    killTimer.unref();
  };

  const timeout = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
  timeout?.unref();
  const onAbort = () => stop('cancel');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    let exitCode = 0;
    for (const line of lines) {
      if (stopReason) break;
      await options.onOutput('stdout', Buffer.from(`$ ${line}\n`));
      const warm = platform !== 'win32' && !options.env ? options.warmShell?.take(line, options.cwd) : undefined;
      let child: ChildProcess;
      if (warm) {
        child = warm;
        options.onCommandStart?.(line, warm.pid!, Date.now());
      } else {
        const shell = shellInvocation(line, platform);
        child = spawn(shell.file, shell.args, { ...shell.options, cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
        child.once('spawn', () => options.onCommandStart?.(line, child.pid ?? -1, Date.now()));
      }
      options.warmShell?.prepare(); // ready for the next line or job
      current = child;
      if (platform !== 'win32' && isSignallablePid(child.pid)) groups.push(child.pid);
      const result = await waitForChild(child, line, options);
      current = undefined;
      if (result.status === 'error') return result;
      exitCode = result.exitCode;
      if (exitCode !== 0) break;
    }
    if (stopReason === 'timeout') return { status: 'timed_out', afterSeconds: Math.round((options.timeoutMs ?? 0) / 1000) };
    if (stopReason === 'cancel') return { status: 'cancelled' };
    return { status: 'completed', exitCode };
  } finally {
    clearTimeout(timeout);
    options.signal?.removeEventListener('abort', onAbort);
    await killLeftovers(groups, platform, killGraceMs);
    clearTimeout(killTimer);
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
): Promise<{ status: 'done'; exitCode: number } | { status: 'error'; message: string }> {
  return new Promise((resolve) => {
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let waitingOnConsumer = 0;
    const done = () => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(drainTimer);
      resolve({ status: 'done', exitCode: exit.code ?? 128 + signalNumber(exit.signal) });
    };
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      resolve({ status: 'error', message: `Could not start the shell for "${line}": ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
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
      exit ??= { code, signal };
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
