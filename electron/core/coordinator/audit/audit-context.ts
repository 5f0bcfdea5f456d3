/**
 * The request an audit row is about, carried through its handler's awaits (AsyncLocalStorage), so the row goes into
 * the same transaction as the change the request makes (see audit-log.ts), with what the domain code says it touched.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AuditActor {
  actor: string;
  userId: string | null;
  role: string | null;
  via: string | null;
  address: string | null;
}

export interface AuditScope extends AuditActor {
  action: string;
  /** What the request names (jobId, runId, workerIds, ...), read when the row is written. */
  requestTargets: () => string[];
  /** What the domain code created or touched (a new job's id). */
  targets: Set<string>;
  detail: string | null;
  /** The row is written: once per request. */
  written: boolean;
}

const current = new AsyncLocalStorage<AuditScope>();

export function runAudited<T>(scope: AuditScope, fn: () => T): T {
  return current.run(scope, fn);
}

/** Runs bookkeeping (an upload's index row) outside the request's audit, so its row waits for the real change. */
export function outsideAudit<T>(fn: () => T): T {
  return current.exit(fn);
}

export function currentAudit(): AuditScope | undefined {
  return current.getStore();
}

/** Names what this request created or changed (`job:<id>`, `run:<id>`, ...) in its audit row; nothing outside a request. */
export function auditTarget(kind: 'job' | 'run' | 'worker' | 'template' | 'schedule' | 'user' | 'token' | 'webhook', id: string): void {
  const scope = current.getStore();
  if (scope && scope.targets.size < MAX_TARGETS) scope.targets.add(`${kind}:${id}`);
}

/** A few words more for the row (a power action, a wake count); bounded. */
export function auditDetail(text: string): void {
  const scope = current.getStore();
  if (scope) scope.detail = text.slice(0, 500);
}

/** A broadcast to a whole campus names at most this many targets; the rest are counted in the summary. */
export const MAX_TARGETS = 1000;
