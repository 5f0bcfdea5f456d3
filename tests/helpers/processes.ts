/** Real coordinator and worker processes from the CLI, for tests that kill and restart them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The built CLI, as shipped (`npm test` builds before it runs the tests). */
export const CLI = fileURLToPath(new URL('../../dist/electron/core/cli.js', import.meta.url));

export interface CliProcess {
  proc: ChildProcess;
  /** Every JSON log line seen so far. */
  logs: any[];
  /** Resolves with the first log line matching `test` (rejects after `timeoutMs`). */
  waitForLog(test: (line: any) => boolean, timeoutMs?: number): Promise<any>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, script = CLI): CliProcess {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const logs: any[] = [];
  const waiters = new Set<{ test: (line: any) => boolean; resolve: (line: any) => void }>();
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  createInterface({ input: proc.stdout }).on('line', (text) => {
    let line: any;
    try {
      line = JSON.parse(text);
    } catch {
      line = { text };
    }
    logs.push(line);
    for (const w of waiters)
      if (w.test(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    logs,
    waitForLog(test, timeoutMs = 20_000) {
      const seen = logs.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        // Resolved, it clears its timer: a pending one would keep the test file's process alive for its whole length.
        const waiter = {
          test,
          resolve: (line: any) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.add(waiter);
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}; logs: ${JSON.stringify(logs.slice(-10))}`));
        }, timeoutMs);
        void exited.then(() =>
          setTimeout(() => {
            if (waiters.delete(waiter)) {
              clearTimeout(timer);
              reject(new Error(`process exited; stderr: ${stderr.slice(-2000)}`));
            }
          }, 50),
        );
      });
    },
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** A coordinator process; resolves once it listens. */
export async function startCoordinatorProcess(dataDir: string, extraArgs: string[] = [], port = 0): Promise<CliProcess & { url: string }> {
  const cli = startCli(['coordinator', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, ...extraArgs]);
  const line = await cli.waitForLog((l) => l.msg === 'coordinator listening');
  return Object.assign(cli, { url: line.url as string });
}

/** Running (zombies count as dead: they are only waiting to be reaped). */
export { processAlive as isAlive } from '../../electron/core/runner/process-groups.ts';
import { pidOutsideNamespace } from '../../electron/core/runner/process-groups.ts';

export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Shell text that names the PID namespace of the job writing a pid: jobs of a root worker have their own
 * (job-namespace.ts), where `$$` is not the pid the test sees. Write pids as `echo "${PID_NS} $$" > file`.
 */
export const PID_NS = '$(readlink /proc/self/ns/pid 2>/dev/null)';

/**
 * Waits until a command has written its pid (a full line, maybe after its PID_NS) to `file`, and returns
 * it as this process sees it: a pid from inside a job's PID namespace is found by its NSpid in /proc.
 */
export async function readPidFile(file: string, timeoutMs = 10_000): Promise<number> {
  const { readFileSync } = await import('node:fs');
  return waitFor(
    `a pid in ${file}`,
    () => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      return text.endsWith('\n') ? pidOutsideNamespace(text) : undefined; // a full line only
    },
    timeoutMs,
  );
}
