/** What both chaos runs share: the CLI's processes with their log lines, the plan of jobs and the output each must store, orphans. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/electron/core/cli.js', import.meta.url));

export interface Proc {
  proc: ChildProcess;
  /** The JSON log lines, each with `at`: when this process read it (Date.now()). */
  logs: any[];
}

/** A CLI process; `runId` goes into its environment, so its leftovers are found as orphans. */
export function startCli(runId: string, argv: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const proc = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHAOS_RUN: runId, ...env } });
  const p: Proc = { proc, logs: [] };
  createInterface({ input: proc.stdout }).on('line', (line) => {
    try {
      p.logs.push({ ...JSON.parse(line), at: Date.now() });
    } catch {
      // not a log line
    }
  });
  proc.stderr.resume();
  return p;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Planned {
  index: number;
  kind: 'short' | 'failing' | 'long' | 'big' | 'cancel' | 'timeout' | 'upload';
  command: string;
  lines: number;
  exitCode: number;
  maxAttempts: number;
  jobId?: string;
}

/** Each command prints numbered lines, so its stored output can be checked exactly. */
export function plan(i: number): Planned {
  const lines = (n: number) => `seq 1 ${n} | sed 's/^/L${i}-/'`;
  const kinds = ['short', 'short', 'short', 'short', 'short', 'failing', 'long', 'big', 'cancel', 'timeout'] as const;
  const kind = kinds[i % kinds.length]!;
  const n = 1 + (i % 20);
  switch (kind) {
    case 'short':
      return { index: i, kind, command: lines(n), lines: n, exitCode: 0, maxAttempts: 1 };
    case 'failing':
      return { index: i, kind, command: `${lines(3)}; exit 3`, lines: 3, exitCode: 3, maxAttempts: 1 };
    case 'long':
      return { index: i, kind, command: `sleep 2; ${lines(5)}`, lines: 5, exitCode: 0, maxAttempts: 2 };
    case 'big':
      return { index: i, kind, command: lines(150_000), lines: 150_000, exitCode: 0, maxAttempts: 1 };
    case 'cancel':
      return { index: i, kind, command: 'sleep 30', lines: 0, exitCode: 0, maxAttempts: 1 };
    case 'timeout':
      return { index: i, kind, command: 'sleep 30', lines: 0, exitCode: 0, maxAttempts: 1 };
  }
}

export function expectedStdout(p: Planned): string {
  let out = `$ ${p.command}\n`;
  for (let k = 1; k <= p.lines; k++) out += `L${p.index}-${k}\n`;
  return out;
}

/** Any process still carrying this run's marker in its environment (a zombie does not count). */
export function orphanProcesses(runId: string): string[] {
  const orphans: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (env.includes(`CHAOS_RUN=${runId}`) && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') {
        orphans.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 80)}`);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return orphans;
}
