/**
 * Starts one command line on Windows: cmd.exe waits at a gate (`set /p` reads the worker's go-ahead
 * from stdin) until the worker has put it into the job's Job Object and lowered its priority; only then
 * does it switch the console to UTF-8 (chcp 65001, inside the job) and run the line, so no process
 * of the job ever runs outside the Job Object. Without a Job Object there is nothing to wait for.
 */
import type { ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { constants as osConstants, setPriority } from 'node:os';
import { join } from 'node:path';
import treeKill from 'tree-kill';
import type { RunOptions } from '../executor.ts';
import type { ResolvedShell } from '../shell-command.ts';
import { spawnAsUser } from './spawn-as-user.ts';
import { win32Api } from './win32-api.ts';

/**
 * The command prompt the worker starts each line in (the job's own shell, if not cmd, runs inside it):
 * System32's cmd.exe as Windows names the folder, never ComSpec, which a user's own environment can change.
 */
export function commandPrompt(): string {
  const api = win32Api();
  const system = ('unavailable' in api ? null : api.systemDirectory()) ?? join(process.env.SystemRoot || 'C:\\Windows', 'System32');
  return join(system, 'cmd.exe');
}

/** cmd's arguments for one line: /d (no AutoRun), /s /c "…" (the text as it is). */
export function windowsLineArgs(text: string, gated: boolean): string[] {
  return ['/d', '/s', '/c', `"${gated ? 'set /p _go=& ' : ''}chcp 65001>nul& ${text}"`];
}

export function startWindowsLine(line: string, options: RunOptions, spawn: typeof nodeSpawn, shell: ResolvedShell): ChildProcess {
  const jobObject = options.sandbox?.jobObject;
  const env = { ...(options.sandbox?.env ?? options.env ?? process.env), ...shell.env(line) };
  const account = options.sandbox?.windowsAccount;
  if (account && jobObject) {
    // Started suspended as the job account, let run once in the Job Object: that is its gate.
    const args = windowsLineArgs(shell.command(line), false);
    const child = spawnAsUser({
      token: account.token,
      commandLine: `"${commandPrompt()}" ${args.join(' ')}`,
      cwd: options.cwd,
      env: definedOnly(env),
      jobObject,
      lowPriority: options.priority === 'low',
    });
    child.once('spawn', () => options.onCommandStart?.(line, child.pid ?? -1, Date.now()));
    return child as unknown as ChildProcess;
  }
  const child = spawn(commandPrompt(), windowsLineArgs(shell.command(line), jobObject !== undefined), {
    cwd: options.cwd,
    env,
    windowsVerbatimArguments: true,
    windowsHide: true,
    stdio: [jobObject ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  child.once('spawn', () => {
    try {
      if (jobObject && child.pid !== undefined) jobObject.add(child.pid);
      if (options.priority === 'low' && child.pid !== undefined) setPriority(child.pid, osConstants.priority.PRIORITY_BELOW_NORMAL);
      child.stdin?.end('\n');
      options.onCommandStart?.(line, child.pid ?? -1, Date.now());
    } catch {
      // Never run a job's command outside its Job Object: the gate is still closed, end it there.
      if (child.pid !== undefined) treeKill(child.pid, 'SIGKILL', () => {});
    }
  });
  child.stdin?.on('error', () => {}); // the shell may be gone before it reads the go-ahead
  return child;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
