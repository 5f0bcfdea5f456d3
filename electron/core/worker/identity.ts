/** The worker's id and token, remembered in its work dir so a restarted worker keeps its identity. */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LIMITS, WORKER_ID_PATTERN } from '../../../shared/api.ts';

export interface WorkerIdentity {
  workerId: string;
  /** Per-worker token from register; undefined when the coordinator runs without auth. */
  workerToken?: string;
  /** The coordinator that issued the token. */
  server?: string;
  /** Every coordinator of its campus (one identity, one database), so a restart still knows where to move. */
  servers?: string[];
  /** Its certificate's SHA-256 (64 hex), pinned; absent for a plain-HTTP coordinator. */
  fingerprint?: string | null;
}

export const IDENTITY_FILE = 'worker.json';

/** `worker-<hostname>-<4 hex>`, kept to the id alphabet the coordinator accepts. */
export function defaultWorkerId(host = hostname()): string {
  const safeHost =
    host
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'pc';
  return `worker-${safeHost}-${randomBytes(2).toString('hex')}`;
}

export function loadIdentity(workDir: string, requestedId?: string): WorkerIdentity {
  if (requestedId !== undefined && (!WORKER_ID_PATTERN.test(requestedId) || requestedId.length > LIMITS.idLength)) {
    throw new Error(`--id "${requestedId}" may contain only letters, digits, ".", "_" and "-" (at most ${LIMITS.idLength}).`);
  }
  const file = join(workDir, IDENTITY_FILE);
  let saved: WorkerIdentity | undefined;
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as WorkerIdentity;
    } catch {
      saved = undefined; // unreadable: start over with a new registration
    }
  }
  if (saved?.workerId && (requestedId === undefined || requestedId === saved.workerId)) return saved;
  return { workerId: requestedId ?? defaultWorkerId() };
}

export function saveIdentity(workDir: string, identity: WorkerIdentity): void {
  const file = join(workDir, IDENTITY_FILE);
  writeFileSync(file, JSON.stringify(identity, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}
