/** Limits on join tokens: how many PCs a token may still add and until when (no row: no limit). */
import type { SqlStatement } from '../sql.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, type Row } from '../row.ts';

export interface JoinTokenPolicy {
  /** ms since epoch, or null for no expiry. */
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
}

function toPolicy(row: Row): JoinTokenPolicy {
  return { expiresAt: intOrNull(row, 'expires_at'), maxUses: intOrNull(row, 'max_uses'), uses: int(row, 'uses') };
}

export class JoinTokenRepository {
  readonly #get: SqlStatement;
  readonly #put: SqlStatement;
  readonly #use: SqlStatement;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT * FROM join_tokens WHERE token_hash = ?');
    this.#put = db.prepare(`INSERT INTO join_tokens (token_hash, created_at, expires_at, max_uses, uses) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (token_hash) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, max_uses = excluded.max_uses, uses = 0`);
    this.#use = db.prepare('UPDATE join_tokens SET uses = uses + 1 WHERE token_hash = ?');
  }

  policy(tokenHash: string): JoinTokenPolicy {
    const row = this.#get.get(tokenHash);
    return row ? toPolicy(row) : { expiresAt: null, maxUses: null, uses: 0 };
  }

  set(tokenHash: string, limits: { expiresAt: number | null; maxUses: number | null }, now: number): void {
    this.#put.run(tokenHash, now, limits.expiresAt, limits.maxUses);
  }

  /** Counts one PC added with this token (only tokens with limits have a row to count in). */
  use(tokenHash: string): void {
    this.#use.run(tokenHash);
  }
}
