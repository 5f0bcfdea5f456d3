/**
 * Starts one command line: in the warm shell when it can (same user), else through a gated shell that
 * waits on stdin until the worker has moved it into the job's cgroup (and lowered its priority), then
 * enters the job's namespaces, drops to the job's account and only then its folder.
 */
import { type spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants, setPriority } from 'node:os';
import type { RunOptions } from './executor.ts';
import { ENTER_DIR } from './job-namespace.ts';
import { isSignallablePid } from './job-tree.ts';
import type { ResolvedShell } from './shell-command.ts';
import { startWindowsLine } from './windows/windows-line.ts';

/** The nice value of a low-priority job: the same as BELOW_NORMAL on Windows. */
const LOW_PRIORITY = osConstants.priority.PRIORITY_BELOW_NORMAL;

// Waits for a go-ahead on stdin (the parent first moves it into the job's cgroup), then becomes the command.
// It enters the job's folder only then, as the job's account: a folder the job swapped for a link can
// lead it nowhere its account could not go by itself.
const GATE = `IFS= read -r _go; exec /bin/sh -c '${ENTER_DIR}' cmdx "$2" /bin/sh -c "$1"`;
// The same, entering the job's namespaces first (as root), then dropping to the job account.
const NAMESPACED_GATE = `IFS= read -r _go; exec nsenter -t "$2" -p -m -i -- setpriv --reuid="$4" --regid="$5" --clear-groups -- /bin/sh -c '${ENTER_DIR}' cmdx "$3" /bin/sh -c "$1"`;

export /**
 * Starts one line: in the warm shell when it can (same user), else through a gated shell that waits
 * until it is in the job's cgroup. Either way no process of the job runs outside its cgroup.
 */
function startLine(line: string, options: RunOptions, platform: NodeJS.Platform, spawn: typeof nodeSpawn, shell: ResolvedShell): ChildProcess {
  if (platform === 'win32') return startWindowsLine(line, options, spawn, shell);
  const command = shell.command(line);
  const sandbox = options.sandbox;
  // Before the command runs: into the job's cgroup, and down in priority (its children inherit both).
  const intoCgroup = (pid: number) => {
    sandbox?.cgroup?.add(pid);
    if (options.priority === 'low') setPriority(pid, LOW_PRIORITY);
  };
  if (sandbox || !options.env) {
    const warm = options.warmShell?.take(command, options.cwd, { jobId: sandbox?.jobId, namespacePid: sandbox?.namespacePid, beforeStart: intoCgroup });
    if (warm) {
      options.onCommandStart?.(line, warm.pid!, Date.now());
      return warm;
    }
  }
  const env = sandbox?.env ?? options.env ?? process.env;
  // detached: the shell leads a new process group, so the group can be signalled as a whole.
  const namespaced = sandbox?.namespacePid !== undefined && sandbox.user !== undefined;
  const child = namespaced
    ? spawn(
        '/bin/sh',
        ['-c', NAMESPACED_GATE, 'cmdx', command, String(sandbox.namespacePid), options.cwd, String(sandbox.user!.uid), String(sandbox.user!.gid)],
        {
          detached: true,
          cwd: '/', // the folder is entered inside, as the job's account
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      )
    : spawn('/bin/sh', ['-c', GATE, 'cmdx', command, options.cwd], {
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
