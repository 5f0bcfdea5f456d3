/** Shared pieces of the benchmark: real processes, /proc readings, percentiles and summaries. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/electron/core/cli.js', import.meta.url));

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}

export function tempDir(prefix = 'cmdx-bench-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export interface Proc {
  proc: ChildProcess;
  pid: number;
  logs: any[];
  waitLog(test: (l: any) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

export function startProc(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const logs: any[] = [];
  const waiters = new Set<{ test: (l: any) => boolean; resolve: (l: any) => void }>();
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
    if (logs.length < 100_000) logs.push(line);
    for (const w of waiters)
      if (w.test(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    pid: proc.pid!,
    logs,
    waitLog(test, timeoutMs = 30_000) {
      const seen = logs.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { test, resolve };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w)) reject(new Error(`no log line in ${timeoutMs} ms: ${stderr.slice(-500)}`));
        }, timeoutMs).unref();
      });
    },
    async stop() {
      // Profiling: a graceful stop, so that Node writes the profile on its way out.
      proc.kill(PROFILING ? 'SIGTERM' : 'SIGKILL');
      const force = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}

export interface BenchCoordinator extends Proc {
  url: string;
  dataDir: string;
  adminToken: string;
  joinToken: string;
}

/**
 * `dataDir`: an existing data folder to start on (a store filled beforehand); a fresh one when absent. `env`: the
 * coordinator's variables (CMDX_DATABASE for PostgreSQL, CMDX_IDENTITY_PASSPHRASE for a campus's --identity).
 */
export async function startCoordinator(extra: string[] = [], dataDir = tempDir(), env: NodeJS.ProcessEnv = {}): Promise<BenchCoordinator> {
  // The bench simulates a whole lab from one address: the per-address connection caps would stop it.
  const limits = ['--max-connections-per-address', '1000000', '--max-unauthenticated-per-address', '1000000'];
  const p = startProc(['coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...limits, ...extra], env);
  const line = await p.waitLog((l) => l.msg === 'coordinator listening');
  const tokens = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
  return Object.assign(p, {
    url: line.url as string,
    dataDir,
    adminToken: tokens.adminToken as string,
    joinToken: tokens.joinToken as string,
    async stop() {
      // Profiling (NODE_OPTIONS=--cpu-prof): a graceful stop, so that Node writes the profile on its way out.
      const exited = new Promise((r) => (p.proc.exitCode !== null || p.proc.signalCode !== null ? r(null) : p.proc.once('exit', r)));
      p.proc.kill(PROFILING ? 'SIGTERM' : 'SIGKILL');
      const force = setTimeout(() => p.proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

const PROFILING = /--cpu-prof|--heap-prof/.test(process.env.NODE_OPTIONS ?? '');

export function startWorker(c: BenchCoordinator, id: string, extra: string[] = []): Proc & { workDir: string } {
  const workDir = tempDir('cmdx-bench-worker-');
  const p = startProc(['worker', '--server', c.url, '--id', id, '--work-dir', workDir, ...extra], { CMDX_JOIN_TOKEN: c.joinToken });
  return Object.assign(p, {
    workDir,
    async stop() {
      p.proc.kill('SIGKILL');
      await new Promise((r) => (p.proc.exitCode !== null ? r(null) : p.proc.once('exit', r)));
      rmSync(workDir, { recursive: true, force: true });
    },
  });
}

/** A keep-alive JSON client for simulated workers: one process, many sockets. */
export class JsonClient {
  readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  readonly url: URL;
  constructor(base: string) {
    this.url = new URL(base);
  }

  call(method: string, path: string, token: string | null, body?: unknown, timeoutMs = 60_000): Promise<{ status: number; body: any; ms: number }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method,
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d) => parts.push(d));
          res.on('end', () => {
            const text = Buffer.concat(parts).toString();
            resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null, ms: performance.now() - started });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
