/** A real coordinator on 127.0.0.1:0 with a fresh data folder, plus a small HTTP client for tests. */
import { rmSync } from 'node:fs';
import { startCoordinator, type CoordinatorOptions, type RunningCoordinator } from '../../electron/core/coordinator/server.ts';
import type { WakeTransport } from '../../electron/core/wake-on-lan.ts';
import { testDatabase } from './store-engines.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestCoordinator extends RunningCoordinator {
  /** JSON request; `token` defaults to the admin token (pass null for none). */
  api<T = any>(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** Registers a worker and returns its token. */
  register(workerId: string, extra?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

import { dropBox, tempDir } from './temp.ts';

export { dropBox, tempDir };

/**
 * A test coordinator in this machine's own network namespace never sends a magic packet: it has no
 * networks to send on (a test that wants sends gives its own fake, or runs the coordinator in a lab).
 */
export const NO_WAKE_NETWORKS: WakeTransport = {
  networks: () => [],
  send: () => Promise.reject(new Error("a test coordinator sends no magic packets on the machine's network")),
};

export async function startTestCoordinator(options: Partial<CoordinatorOptions> = {}): Promise<TestCoordinator> {
  const dataDir = options.dataDir ?? tempDir();
  const database = options.database ?? (await testDatabase(dataDir));
  const coordinator = await startCoordinator({ port: 0, host: '127.0.0.1', wakeTransport: NO_WAKE_NETWORKS, ...options, dataDir, database });
  const api: TestCoordinator['api'] = async (method, path, opts = {}) => {
    const token = opts.token === undefined ? coordinator.tokens.adminToken : opts.token;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(coordinator.url + path, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return {
    ...coordinator,
    api,
    async register(workerId, extra = {}) {
      const res = await api('POST', '/api/workers/register', {
        token: coordinator.tokens.joinToken || null,
        body: { workerId, hostname: `host-${workerId}`, ...extra },
      });
      if (res.status !== 200) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.workerToken as string;
    },
    async close() {
      await coordinator.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the worker is in its long poll for a job (observable state, not a guess of how long that takes). */
export async function waitForLongPoll(c: TestCoordinator, workerId: string): Promise<void> {
  const { waitFor } = await import('./processes.ts');
  await waitFor(`${workerId} in its long poll`, () => c.context.scheduler.isWaiting(workerId) || undefined, 10_000, 5);
}

/** Waits until `count` more requests wait on job events than `before` (a worker's control poll, say). */
export async function waitForJobListeners(c: TestCoordinator, before: number, count = 1): Promise<void> {
  const { waitFor } = await import('./processes.ts');
  await waitFor('the control poll waiting', () => c.context.events.listenerCount('job') >= before + count || undefined, 10_000, 5);
}
