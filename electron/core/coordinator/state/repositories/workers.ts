/** The workers table: typed rows and the statements the store needs. */
import type { SqlStatement } from '../sql.ts';
import type { WorkerDto } from '../../../../../shared/api.ts';
import type { WorkerPolicy } from '../../../../../shared/policy.ts';
import { WORKER_STATUSES, type WorkerStatus } from '../../../../../shared/job-status.ts';
import { z } from 'zod';
import { lanInterfaceDto, workerPowerDto, type WorkerPowerDto } from '../../../../../shared/power-schema.ts';
import type { LanInterface } from '../../../../../shared/wake.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, oneOf, text, textOrNull, type Row } from '../row.ts';

export interface WorkerRecord {
  workerId: string;
  hostname: string;
  os: string | null;
  cpuCount: number | null;
  version: string | null;
  status: WorkerStatus;
  lastHeartbeat: number;
  registeredAt: number;
  currentJobId: string | null;
  paused: boolean;
  warnings: string[];
  tags: string[];
  /** Its token was revoked: it takes no jobs and no run counts it. */
  revoked: boolean;
  displayName: string | null;
  adminPaused: boolean;
  available: boolean;
  availabilityReason: string | null;
  pausedAt: number | null;
  adminPausedAt: number | null;
  /** Its IPv4 interfaces as it last reported them. */
  interfaces: LanInterface[];
  /** Someone used the PC at its last heartbeat. */
  inUse: boolean;
  /** The last power action asked of it, and what became of it. */
  power: WorkerPowerDto | null;
}

export interface RegisterInput {
  workerId: string;
  hostname: string;
  os?: string | null;
  cpuCount?: number | null;
  version?: string | null;
  warnings?: string[];
  /** The worker's own --tags; absent: keep what it has (the admin may have set them). */
  tags?: string[];
  /** Its IPv4 interfaces; absent: keep the last ones it reported. */
  interfaces?: LanInterface[];
}

function toRecord(row: Row): WorkerRecord {
  return {
    workerId: text(row, 'worker_id'),
    hostname: text(row, 'hostname'),
    os: textOrNull(row, 'os'),
    cpuCount: intOrNull(row, 'cpu_count'),
    version: textOrNull(row, 'version'),
    status: oneOf(row, 'status', WORKER_STATUSES),
    lastHeartbeat: int(row, 'last_heartbeat'),
    registeredAt: int(row, 'registered_at'),
    currentJobId: textOrNull(row, 'current_job_id'),
    paused: int(row, 'paused') === 1,
    warnings: parseStringList(text(row, 'warnings')),
    tags: parseStringList(text(row, 'tags')),
    revoked: row.revoked_at !== null,
    displayName: textOrNull(row, 'display_name'),
    adminPaused: int(row, 'admin_paused') === 1,
    available: int(row, 'available') === 1,
    availabilityReason: textOrNull(row, 'availability_reason'),
    pausedAt: intOrNull(row, 'paused_at'),
    adminPausedAt: intOrNull(row, 'admin_paused_at'),
    interfaces: parseJson(text(row, 'interfaces'), z.array(lanInterfaceDto), []),
    inUse: int(row, 'in_use') === 1,
    power: parseJson(textOrNull(row, 'power'), workerPowerDto, null),
  };
}

export function toWorkerDto(
  worker: WorkerRecord,
  policy: WorkerPolicy,
  replaces: string | null = null,
  extraWarning: string | null = null,
  suspendedSince: number | null = null,
): WorkerDto {
  const { workerId, hostname, os, cpuCount, status, lastHeartbeat, version, currentJobId, registeredAt, paused, warnings, tags, available } = worker;
  return {
    workerId,
    hostname,
    os,
    cpuCount,
    status,
    lastHeartbeat,
    version,
    currentJobId,
    registeredAt,
    paused,
    warnings: extraWarning ? [...warnings, extraWarning] : warnings,
    tags,
    name: worker.displayName ?? hostname,
    pausedByAdmin: worker.adminPaused,
    replaces,
    available,
    availabilityReason: worker.availabilityReason,
    policy,
    pausedAt: worker.pausedAt,
    pausedByAdminAt: worker.adminPausedAt,
    suspendedSince,
    interfaces: worker.interfaces,
    inUse: worker.inUse,
    power: worker.power,
  };
}

/**
 * What a worker's namesakes (other workers with its hostname that registered before it) say about it:
 * an offline one it may replace (a re-installed PC), or a warning when one is still online (two PCs
 * under one name: one of them may be an impostor that joined with a copied token).
 */
export function namesakeFindings(worker: WorkerRecord, namesakes: WorkerRecord[]): { replaces: string | null; warning: string | null } {
  if (worker.status === 'offline' || worker.revoked) return { replaces: null, warning: null };
  const older = namesakes.filter((o) => o.workerId !== worker.workerId && o.registeredAt < worker.registeredAt);
  const gone = older.find((o) => o.status === 'offline' || o.revoked);
  const online = older.find((o) => o.status !== 'offline' && !o.revoked);
  return {
    replaces: gone?.workerId ?? null,
    warning: online
      ? `${online.displayName ?? online.hostname} (${online.workerId}) joined first with the hostname ${worker.hostname}: if only one PC has it, this one is not that PC; revoke it.`
      : null,
  };
}

export class WorkerRepository {
  readonly #byId: SqlStatement;
  readonly #byTokenHash: SqlStatement;
  readonly #byHostname: SqlStatement;
  readonly #all: SqlStatement;
  readonly #firstIdle: SqlStatement;
  readonly #upsert: SqlStatement;
  readonly #touch: SqlStatement;
  readonly #setPaused: SqlStatement;
  readonly #setState: SqlStatement;
  readonly #stale: SqlStatement;
  readonly #revoke: SqlStatement;
  readonly #setWarnings: SqlStatement;
  readonly #setTags: SqlStatement;

  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    this.#byId = db.prepare('SELECT * FROM workers WHERE worker_id = ?');
    this.#byTokenHash = db.prepare('SELECT worker_id FROM workers WHERE token_hash = ?');
    // Case and surrounding spaces do not make another PC: LAB-PC-07 is lab-pc-07.
    this.#byHostname = db.prepare('SELECT * FROM workers WHERE hostname = ? COLLATE NOCASE');
    // Sorted by the name people see, then id: a stable order that does not move as states change.
    this.#all = db.prepare('SELECT * FROM workers ORDER BY COALESCE(display_name, hostname) COLLATE NOCASE, worker_id');
    this.#firstIdle = db.prepare("SELECT worker_id FROM workers WHERE status = 'idle' AND admin_paused = 0 ORDER BY registered_at, worker_id LIMIT 1");
    this.#upsert = db.prepare(`
      INSERT INTO workers (worker_id, hostname, os, cpu_count, version, status, last_heartbeat, registered_at, token_hash, current_job_id, warnings, tags, interfaces)
      VALUES ($id, $hostname, $os, $cpu, $version, 'idle', $now, $now, $token, NULL, $warnings, COALESCE($tags, '[]'), COALESCE($interfaces, '[]'))
      ON CONFLICT(worker_id) DO UPDATE SET hostname = $hostname, os = $os, cpu_count = $cpu, version = $version, warnings = $warnings,
        tags = COALESCE($tags, workers.tags), interfaces = COALESCE($interfaces, workers.interfaces), power = NULL, in_use = 0,
        status = 'idle', last_heartbeat = $now, token_hash = $token, current_job_id = NULL, revoked_at = NULL`);
    this.#touch = db.prepare('UPDATE workers SET last_heartbeat = ? WHERE worker_id = ?');
    this.#setPaused = db.prepare('UPDATE workers SET paused = ?, paused_at = ? WHERE worker_id = ?');
    this.#setState = db.prepare('UPDATE workers SET status = ?, current_job_id = ? WHERE worker_id = ?');
    this.#stale = db.prepare("SELECT worker_id FROM workers WHERE status != 'offline' AND last_heartbeat < ?");
    this.#setWarnings = db.prepare('UPDATE workers SET warnings = ? WHERE worker_id = ?');
    this.#setTags = db.prepare('UPDATE workers SET tags = ? WHERE worker_id = ?');
    this.#revoke = db.prepare("UPDATE workers SET token_hash = NULL, revoked_at = ?, status = 'offline', current_job_id = NULL WHERE worker_id = ?");
  }

  get(workerId: string): WorkerRecord | undefined {
    const row = this.#byId.get(workerId);
    return row && toRecord(row);
  }

  /** Every worker with this hostname (an index read). */
  withHostname(hostname: string): WorkerRecord[] {
    return this.#byHostname.all(hostname.trim()).map(toRecord);
  }

  all(): WorkerRecord[] {
    return this.#all.all().map(toRecord);
  }

  firstIdleId(): string | undefined {
    const row = this.#firstIdle.get();
    return row && text(row, 'worker_id');
  }

  idForTokenHash(tokenHash: string): string | undefined {
    const row = this.#byTokenHash.get(tokenHash);
    return row && text(row, 'worker_id');
  }

  /** Inserts the worker, or brings an existing one back idle with a new token. */
  upsert(input: RegisterInput, tokenHash: string | null, now: number): void {
    this.#upsert.run({
      $id: input.workerId,
      $hostname: input.hostname,
      $os: input.os ?? null,
      $cpu: input.cpuCount ?? null,
      $version: input.version ?? null,
      $warnings: JSON.stringify(input.warnings ?? []),
      $tags: input.tags ? JSON.stringify([...new Set(input.tags)].sort()) : null,
      $interfaces: input.interfaces ? JSON.stringify(input.interfaces) : null,
      $now: now,
      $token: tokenHash,
    });
  }

  touch(workerId: string, now: number): void {
    this.#touch.run(now, workerId);
  }

  setPaused(workerId: string, paused: boolean, now: number): void {
    this.#setPaused.run(paused ? 1 : 0, paused ? now : null, workerId);
  }

  setState(workerId: string, status: WorkerStatus, currentJobId: string | null): void {
    this.#setState.run(status, currentJobId, workerId);
  }

  setWarnings(workerId: string, warnings: string[]): void {
    this.#setWarnings.run(JSON.stringify(warnings), workerId);
  }

  setDisplayName(workerId: string, name: string | null): void {
    this.#db.prepare('UPDATE workers SET display_name = ? WHERE worker_id = ?').run(name, workerId);
  }

  setAdminPaused(workerId: string, paused: boolean, now: number): void {
    this.#db.prepare('UPDATE workers SET admin_paused = ?, admin_paused_at = ? WHERE worker_id = ?').run(paused ? 1 : 0, paused ? now : null, workerId);
  }

  /** The row goes; jobs keep the id they ran under. */
  forget(workerId: string): void {
    this.#db.prepare('DELETE FROM workers WHERE worker_id = ?').run(workerId);
  }

  setAvailability(workerId: string, available: boolean, reason: string | null): void {
    this.#db
      .prepare('UPDATE workers SET available = ?, availability_reason = ? WHERE worker_id = ?')
      .run(available ? 1 : 0, available ? null : reason, workerId);
  }

  setTags(workerId: string, tags: string[]): void {
    this.#setTags.run(JSON.stringify([...new Set(tags)].sort()), workerId);
  }

  setInterfaces(workerId: string, interfaces: LanInterface[]): void {
    this.#db.prepare('UPDATE workers SET interfaces = ? WHERE worker_id = ?').run(JSON.stringify(interfaces), workerId);
  }

  setInUse(workerId: string, inUse: boolean): void {
    this.#db.prepare('UPDATE workers SET in_use = ? WHERE worker_id = ?').run(inUse ? 1 : 0, workerId);
  }

  setPower(workerId: string, power: WorkerPowerDto | null): void {
    this.#db.prepare('UPDATE workers SET power = ? WHERE worker_id = ?').run(power === null ? null : JSON.stringify(power), workerId);
  }

  /** Its token stops working; the row stays so its jobs keep their worker. */
  revoke(workerId: string, now: number): void {
    this.#revoke.run(now, workerId);
  }

  /** Workers not offline whose last heartbeat is older than `cutoff`. */
  staleIds(cutoff: number): string[] {
    return this.#stale.all(cutoff).map((row) => text(row, 'worker_id'));
  }
}

/** A JSON column read with its schema; what does not parse is `fallback`. */
function parseJson<T>(json: string | null, schema: z.ZodType<T>, fallback: T): T {
  try {
    const parsed = json === null ? undefined : schema.safeParse(JSON.parse(json));
    return parsed?.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

function parseStringList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string') : [];
  } catch {
    return [];
  }
}
