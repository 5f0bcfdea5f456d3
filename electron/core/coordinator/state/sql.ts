/**
 * The one interface the repositories speak: prepared statements and nested transactions, synchronous. Two engines
 * implement it: the embedded SQLite file (sqlite-database.ts, the default) and PostgreSQL (postgres/, several
 * coordinators on one database). The SQL is written once, in SQLite's words; postgres/pg-dialect.ts translates it.
 */
import type { Row } from './row.ts';

/** What a statement takes: positional values, or one object of `$name` values. */
export type SqlValue = null | number | bigint | string | Uint8Array;
export type SqlParams = SqlValue[] | [Record<string, SqlValue>];

export interface SqlStatement {
  run(...params: SqlParams): { changes: number | bigint };
  get(...params: SqlParams): Row | undefined;
  all(...params: SqlParams): Row[];
  /** Rows one at a time (SQLite reads lazily; PostgreSQL has them all already). */
  iterate(...params: SqlParams): IterableIterator<Row>;
}

export interface Database {
  readonly engine: 'sqlite' | 'postgres';
  prepare(sql: string): SqlStatement;
  /** Runs `fn` in one transaction that writers take one at a time; nested, a savepoint of the outer one. */
  transaction<T>(fn: () => T): T;
  /** Runs inside every outer transaction just before it commits (the audit log's row goes in with the change). */
  beforeOuterCommit: (() => void) | undefined;
  readonly schemaVersion: number;
  /** Whether transactions were committed since the last sync. */
  readonly unsynced: boolean;
  /** How many transactions were committed so far (what a sync started now will cover). */
  readonly commits: number;
  /** Makes every transaction committed before the call durable, off the event loop; one at a time. */
  syncWal(): Promise<void>;
  /** The same on the loop, for closing. */
  sync(): void;
  close(): void;
}
