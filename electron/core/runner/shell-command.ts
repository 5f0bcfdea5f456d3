/**
 * The shell a job asked for (cmd, powershell, pwsh or sh), found on this PC and checked once by a test
 * command, and how one command line becomes what the platform's starter runs: on Windows the text cmd
 * runs after the worker's gate, elsewhere a line for /bin/sh. A shell the PC lacks is a sentence saying so.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { defaultShell, type ShellName } from '../../../shared/shells.ts';

export interface ResolvedShell {
  name: ShellName;
  /** The command text for one line: what cmd runs after the gate (Windows), or a /bin/sh line. */
  command(line: string): string;
  /** Variables the line needs in its environment (sh on Windows reads its line from one). */
  env(line: string): Record<string, string>;
}

const POWERSHELL_FLAGS = '-NoProfile -NonInteractive -ExecutionPolicy Bypass';
/** PowerShell's exit code is 0 or 1 unless the script says: a native program's code comes through, as in GitHub's runners. */
const POWERSHELL_PROLOGUE = "$ErrorActionPreference = 'Continue'; [Console]::OutputEncoding = [Text.Encoding]::UTF8; $OutputEncoding = [Text.Encoding]::UTF8\n";
const POWERSHELL_EPILOGUE = '\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }';
/** sh on Windows: the line comes in an environment variable, so no cmd quoting can change it. */
const SH_LINE_VARIABLE = 'CMDX_SH_LINE';

/** PowerShell's -EncodedCommand: the script as base64 of UTF-16LE, with no quoting to get wrong. */
export function encodedPowerShell(line: string): string {
  return Buffer.from(POWERSHELL_PROLOGUE + line + POWERSHELL_EPILOGUE, 'utf16le').toString('base64');
}

const probed = new Map<string, Promise<string | undefined>>();

/** The shell `name` (default: the platform's), or a sentence saying why this PC cannot give it. */
export async function resolveShell(
  name: ShellName | undefined,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedShell | { missing: string }> {
  const shell = name ?? defaultShell(platform);
  const windows = platform === 'win32';
  if (shell === 'cmd') {
    if (!windows) return { missing: 'This PC has no cmd: cmd is the Windows command prompt and this PC does not run Windows. Use the shell "sh".' };
    return { name: shell, command: (line) => line, env: () => ({}) };
  }
  if (shell === 'sh' && !windows) return { name: shell, command: (line) => line, env: () => ({}) };
  const found = findProgram(shell, platform, env);
  if (!found) return { missing: notFound(shell, platform) };
  const failure = await probeOnce(shell, found);
  if (failure)
    return { missing: `This PC has no working ${label(shell)}: ${found} ${failure}. Use the shell "${defaultShell(platform)}", or install ${label(shell)}.` };
  if (shell === 'sh') return { name: shell, command: () => `"${found}" -c "eval \\"$${SH_LINE_VARIABLE}\\""`, env: (line) => ({ [SH_LINE_VARIABLE]: line }) };
  const run = (line: string) => `${POWERSHELL_FLAGS} -EncodedCommand ${encodedPowerShell(line)}`;
  return { name: shell, command: (line) => (windows ? `"${found}" ${run(line)}` : `exec '${found}' ${run(line)}`), env: () => ({}) };
}

function label(shell: ShellName): string {
  return { cmd: 'cmd', powershell: 'Windows PowerShell', pwsh: 'PowerShell 7 (pwsh)', sh: 'sh' }[shell];
}

function notFound(shell: ShellName, platform: NodeJS.Platform): string {
  const fallback = `Use the shell "${defaultShell(platform)}"`;
  if (shell === 'powershell' && platform !== 'win32')
    return `This PC has no Windows PowerShell: it exists only on Windows. ${fallback}, or "pwsh" where PowerShell 7 is installed.`;
  if (shell === 'powershell') return `This PC has no Windows PowerShell: powershell.exe is not in System32\\WindowsPowerShell\\v1.0. ${fallback}.`;
  if (shell === 'pwsh' && platform === 'win32')
    return `This PC has no PowerShell 7: pwsh.exe is not in Program Files\\PowerShell\\7. ${fallback}, or install PowerShell 7.`;
  if (shell === 'pwsh') return `This PC has no PowerShell 7: pwsh is not on the PATH. ${fallback}, or install PowerShell 7.`;
  return `This PC has no sh: sh.exe is not in Program Files\\Git\\bin (Git for Windows brings one). ${fallback}.`;
}

/**
 * Where the shell's program is on this PC, if anywhere. On Windows only where administrators install
 * it, never from the PATH: the worker runs it once itself (the probe), outside any job, and a folder on
 * the PATH may be one a job can write to.
 */
function findProgram(shell: ShellName, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string | undefined {
  if (platform === 'win32') {
    const installed = {
      powershell: join(env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
      pwsh: join(env.ProgramFiles ?? 'C:\\Program Files', 'PowerShell', '7', 'pwsh.exe'),
      sh: join(env.ProgramFiles ?? 'C:\\Program Files', 'Git', 'bin', 'sh.exe'),
      cmd: '',
    }[shell];
    return installed && existsSync(installed) ? installed : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, shell))) return join(dir, shell);
  return undefined;
}

/** Runs the shell once with a test command that must exit 7 (a stub that is not the shell answers otherwise). */
function probeOnce(shell: ShellName, path: string): Promise<string | undefined> {
  const key = `${shell}\0${path}`;
  let probe = probed.get(key);
  if (!probe) {
    const args = shell === 'sh' ? ['-c', 'exit 7'] : ['-NoProfile', '-NonInteractive', '-Command', 'exit 7'];
    probe = new Promise((resolve) => {
      // Nothing of the worker's environment: the shell needs only to find Windows.
      const env = process.platform === 'win32' ? { SystemRoot: process.env.SystemRoot ?? 'C:\\Windows' } : { PATH: process.env.PATH ?? '/usr/bin:/bin' };
      const child = spawn(path, args, { stdio: 'ignore', windowsHide: true, timeout: 30_000, env });
      child.once('error', (error) => resolve(`did not start (${error.message})`));
      child.once('exit', (code, signal) =>
        resolve(code === 7 ? undefined : `is there but does not run it (a test command meant to exit 7 ended with ${code ?? signal})`),
      );
    });
    probed.set(key, probe);
  }
  return probe;
}
