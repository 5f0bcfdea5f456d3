/**
 * The audit log: append-only rows, each holding the SHA-256 of the row before it and of its own content, so an
 * edited, inserted or removed row breaks the chain. audit_chain keeps the head (the newest row) and the checkpoint
 * retention left (the last pruned row), from which the chain is checked.
 */
import { createHash } from 'node:crypto';
import type { SqlStatement } from '../sql.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, text, textOrNull, type Row } from '../row.ts';

export interface AuditFields {
  at: number;
  actor: string;
  userId: string | null;
  role: string | null;
  via: string | null;
  address: string | null;
  action: string;
  targets: string[];
  outcome: 'ok' | 'refused';
  reason: string | null;
  detail: string | null;
}

export interface AuditRecord extends AuditFields {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  since?: number;
  actor?: string;
  /** An action, or its start when it ends with "." */
  action?: string;
  target?: string;
  before?: number;
  limit: number;
}

export interface ChainState {
  headSeq: number;
  headHash: string;
  anchorSeq: number;
  anchorHash: string;
}

/** The hash of one row: the previous row's hash and this row's content, in a fixed order. */
export function auditHash(prevHash: string, seq: number, f: AuditFields): string {
  const content = JSON.stringify([seq, f.at, f.actor, f.userId, f.role, f.via, f.address, f.action, f.targets, f.outcome, f.reason, f.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

function toRecord(row: Row): AuditRecord {
  return {
    seq: int(row, 'seq'),
    at: int(row, 'at'),
    actor: text(row, 'actor'),
    userId: textOrNull(row, 'user_id'),
    role: textOrNull(row, 'role'),
    via: textOrNull(row, 'via'),
    address: textOrNull(row, 'address'),
    action: text(row, 'action'),
    targets: JSON.parse(text(row, 'targets')) as string[],
    outcome: text(row, 'outcome') === 'ok' ? 'ok' : 'refused',
    reason: textOrNull(row, 'reason'),
    detail: textOrNull(row, 'detail'),
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
}

export class AuditRepository {
  readonly #db: Database;
  readonly #chain: SqlStatement;
  readonly #insert: SqlStatement;
  readonly #insertTarget: SqlStatement;
  readonly #moveHead: SqlStatement;

  constructor(db: Database) {
    this.#db = db;
    this.#chain = db.prepare('SELECT * FROM audit_chain WHERE id = 1');
    this.#insert = db.prepare(
      `INSERT INTO audit (seq, at, actor, user_id, role, via, address, action, targets, outcome, reason, detail, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertTarget = db.prepare('INSERT INTO audit_targets (target, seq) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.#moveHead = db.prepare('UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1');
  }

  chain(): ChainState {
    const row = this.#chain.get()!;
    return { headSeq: int(row, 'head_seq'), headHash: text(row, 'head_hash'), anchorSeq: int(row, 'anchor_seq'), anchorHash: text(row, 'anchor_hash') };
  }

  /** Appends one row after the head; call inside a transaction (the chain's head moves with it). */
  append(fields: AuditFields): AuditRecord {
    const { headSeq, headHash } = this.chain();
    const seq = headSeq + 1;
    const hash = auditHash(headHash, seq, fields);
    const f = fields;
    this.#insert.run(
      seq,
      f.at,
      f.actor,
      f.userId,
      f.role,
      f.via,
      f.address,
      f.action,
      JSON.stringify(f.targets),
      f.outcome,
      f.reason,
      f.detail,
      headHash,
      hash,
    );
    for (const target of f.targets) this.#insertTarget.run(target, seq);
    this.#moveHead.run(seq, hash);
    return { ...fields, seq, prevHash: headHash, hash };
  }

  page(query: AuditQuery): AuditRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.since !== undefined) add('a.at >= ?', query.since);
    if (query.actor !== undefined) add('a.actor = ?', query.actor);
    // "runs." is every run action; anything else is one action.
    if (query.action?.endsWith('.')) add('substr(a.action, 1, length(?)) = ?', query.action, query.action);
    else if (query.action !== undefined) add('a.action = ?', query.action);
    if (query.before !== undefined) add('a.seq < ?', query.before);
    if (query.target !== undefined) add('a.seq IN (SELECT seq FROM audit_targets WHERE target = ?)', query.target);
    const sql = `SELECT a.* FROM audit a ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY a.seq DESC LIMIT ?`;
    return this.#db
      .prepare(sql)
      .all(...params, query.limit)
      .map(toRecord);
  }

  /** Rows in chain order from `afterSeq`, a batch at a time (verification reads the whole log without holding it). */
  batch(afterSeq: number, limit: number): AuditRecord[] {
    return this.#db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit).map(toRecord);
  }

  count(): number {
    return int(this.#db.prepare('SELECT count(*) AS n FROM audit').get()!, 'n');
  }

  /** The newest row at or before `at`, whose hash becomes the checkpoint when everything up to it is pruned. */
  lastAtOrBefore(at: number): { seq: number; hash: string } | undefined {
    const row = this.#db.prepare('SELECT seq, hash FROM audit WHERE at <= ? ORDER BY seq DESC LIMIT 1').get(at);
    return row ? { seq: int(row, 'seq'), hash: text(row, 'hash') } : undefined;
  }

  /** Deletes rows up to `seq` and makes the last of them the checkpoint; call inside a transaction. */
  pruneThrough(seq: number, hash: string): number {
    const removed = Number(this.#db.prepare('DELETE FROM audit WHERE seq <= ?').run(seq).changes);
    this.#db.prepare('DELETE FROM audit_targets WHERE seq <= ?').run(seq);
    this.#db.prepare('UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ? WHERE id = 1').run(seq, hash);
    return removed;
  }

  /** The time of the oldest row, if any. */
  oldestAt(): number | null {
    const row = this.#db.prepare('SELECT min(at) AS at FROM audit').get();
    return row ? intOrNull(row, 'at') : null;
  }
}
