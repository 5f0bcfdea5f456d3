/**
 * What shuts this PC down, restarts it or logs its user off: the OS's own command, or the site's
 * `--power-command` (run through the shell with the action in CMDX_POWER_ACTION and the delay in
 * CMDX_POWER_DELAY, never with either in the command's text). Tests always give a power command.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PowerAction } from '../../../shared/wake.ts';

/** A program and its arguments, run without a shell. */
export interface CommandLine {
  file: string;
  args: string[];
}

const COMMAND_TIMEOUT_MS = 60_000;
const OUTPUT_KEPT = 2000;

/**
 * The OS's command for `action`, run once the worker's own notice has run its time (so no delay of its own):
 * Windows `shutdown /s|/r /t 0` or `/l` (`/f` with force: open programs are closed without asking);
 * Linux `systemctl poweroff|reboot`, or `loginctl terminate-user` for each user with a graphical session;
 * macOS asks System Events to shut down, restart or log out.
 */
export function osPowerCommands(
  action: PowerAction,
  force: boolean,
  platform: NodeJS.Platform = process.platform,
  graphicalUsers: () => string[] = listGraphicalUsers,
): CommandLine[] {
  if (platform === 'win32') {
    const file = join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'shutdown.exe');
    const args = action === 'logoff' ? ['/l'] : [action === 'reboot' ? '/r' : '/s', '/t', '0'];
    return [{ file, args: force ? [...args, '/f'] : args }];
  }
  if (platform === 'darwin') {
    const verb = action === 'shutdown' ? 'shut down' : action === 'reboot' ? 'restart' : 'log out';
    return [{ file: '/usr/bin/osascript', args: ['-e', `tell application "System Events" to ${verb}`] }];
  }
  if (action !== 'logoff') return [{ file: 'systemctl', args: [action === 'reboot' ? 'reboot' : 'poweroff'] }];
  const users = graphicalUsers();
  if (users.length === 0) throw new Error("nobody is logged in at this PC's screen (logind lists no graphical session): there is nobody to log off.");
  return users.map((user) => ({ file: 'loginctl', args: ['terminate-user', user] }));
}

/** The users of logind's graphical (x11, wayland) user sessions. */
function listGraphicalUsers(): string[] {
  const sessions = execSyncText('loginctl', ['list-sessions', '--no-legend'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((id): id is string => !!id);
  const users = new Set<string>();
  for (const id of sessions) {
    const props = Object.fromEntries(
      execSyncText('loginctl', ['show-session', id, '-p', 'Name', '-p', 'Type', '-p', 'Class'])
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    if ((props.Type === 'x11' || props.Type === 'wayland') && props.Class === 'user' && props.Name) users.add(props.Name);
  }
  return [...users];
}

function execSyncText(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Runs the site's power command through the shell, with the action and delay in its environment; rejects with what it said when it fails. */
export function runSitePowerCommand(command: string, action: PowerAction, delaySeconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      env: { ...process.env, CMDX_POWER_ACTION: action, CMDX_POWER_DELAY: String(delaySeconds) },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`the power command could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`the power command failed (${signal ?? `exit ${code}`})${output.trim() ? `: ${output.trim()}` : ''}`));
    });
  });
}

/** Runs the OS's commands for `action`, one after the other; rejects with the first failure. */
export async function runOsPowerCommands(commands: CommandLine[]): Promise<void> {
  for (const { file, args } of commands) {
    await new Promise<void>((resolve, reject) => {
      execFile(file, args, { timeout: COMMAND_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${(stderr || error.message).trim().slice(-OUTPUT_KEPT)}`));
        else resolve();
      });
    });
  }
}
