/**
 * The command loop: runs a job's command lines one after another through the platform shell and
 * streams their output; job-control.ts stops the whole process tree on timeout or cancel and freezes
 * it while the PC's user is back. Used by the worker and by the coordinator's direct mode. Each line
 * runs in its own process group so that children whose shell already exited can still be found and
 * stopped; whatever is still alive in those groups when the job ends is killed.
 */
import { spawn as nodeSpawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { JobCgroup } from './cgroup.ts';
import type { WindowsJobObject } from './windows/job-object.ts';
import type { Handle } from './windows/win32-api.ts';
import { waitForChild } from './child-wait.ts';
import { JobControl } from './job-control.ts';
import { startLine } from './line-start.ts';
import { resolveShell } from './shell-command.ts';
import { WindowsOutput } from './windows/windows-output.ts';
import type { WarmShell } from './warm-shell.ts';
import type { ShellName } from '../../../shared/shells.ts';

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
  /** The shell each line runs in (default: cmd on Windows, sh elsewhere). */
  shell?: ShellName;
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
  /** Windows: the job's Job Object; each line's shell is put in it before its command runs. */
  jobObject?: WindowsJobObject;
  /** Windows: run as the job account (a worker running as a service or an administrator). */
  windowsAccount?: { token: Handle };
}

/** Splits command text into the lines to run (CRLF-safe, blank lines dropped). */
export function commandLines(commands: string): string[] {
  return commands
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export async function runCommands(runOptions: RunOptions): Promise<RunResult> {
  // The shell enters the folder itself (as the job's account); a folder that is not there is no job to run.
  if (!isFolder(runOptions.cwd)) return { status: 'error', message: `Could not start the commands: the folder ${runOptions.cwd} does not exist.` };
  const platform = runOptions.platform ?? process.platform;
  const shell = await resolveShell(runOptions.shell, platform);
  if ('missing' in shell) return { status: 'error', message: shell.missing };
  // Whether the last byte either stream printed ended a line: each command's header starts a line of its own.
  let atLineStart = true;
  const output = platform === 'win32' ? new WindowsOutput(runOptions.onOutput) : undefined;
  const onOutput = output?.onOutput ?? runOptions.onOutput;
  const options: RunOptions = {
    ...runOptions,
    onOutput: (stream, chunk) => {
      if (chunk.length > 0) atLineStart = chunk[chunk.length - 1] === 0x0a;
      return onOutput(stream, chunk);
    },
  };
  const spawn = options.spawn ?? nodeSpawn;
  const control = new JobControl(options, platform);
  try {
    let exitCode = 0;
    // A stop that came after the last command had ended by itself leaves the commands' real result.
    let finishedBeforeStop = false;
    const lines = commandLines(options.commands);
    for (const [index, line] of lines.entries()) {
      if (control.stopReason) break;
      await options.onOutput('stdout', Buffer.from(`${atLineStart ? '' : '\n'}$ ${line}\n`));
      const child = startLine(line, options, platform, spawn, shell);
      options.warmShell?.prepare(); // ready for the next line or job
      control.tree.started(child);
      const result = await waitForChild(child, line, options);
      await output?.flush();
      control.tree.current = undefined;
      if (result.status === 'error') return result;
      exitCode = result.exitCode;
      const last = exitCode !== 0 || index === lines.length - 1;
      finishedBeforeStop = last && result.exitedAt < control.stoppedAt;
      if (exitCode !== 0) break;
    }
    if (finishedBeforeStop) return { status: 'completed', exitCode };
    if (control.stopReason === 'timeout') return { status: 'timed_out', afterSeconds: Math.round((options.timeoutMs ?? 0) / 1000) };
    if (control.stopReason === 'cancel') return { status: 'cancelled' };
    return { status: 'completed', exitCode };
  } finally {
    await control.end();
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
