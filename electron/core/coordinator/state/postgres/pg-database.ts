/**
 * The coordinator's store on PostgreSQL, for several coordinators on one database. Statements run synchronously
 * through pg-bridge.ts, so the repositories and the domain code are the same as on SQLite. Writers take one
 * transaction-scoped advisory lock, the same one writer at a time that SQLite's BEGIN IMMEDIATE gives, across every
 * coordinator; transactions commit without waiting for the disk (synchronous_commit off) and a request's answer
 * waits in group-commit.ts for syncWal(): one flushed commit on a side connection, which flushes the WAL up to there.
 */
import pg from 'pg';
import type { Row } from '../row.ts';
import type { Database, SqlParams, SqlStatement, SqlValue } from '../sql.ts';
import { PgBridge, PostgresError } from './pg-bridge.ts';
import { toPostgres, type PgStatement } from './pg-dialect.ts';
import { NEWEST_VERSION, postgresMigrationScript } from './pg-schema.ts';
import { connectionConfig } from './pg-connection.ts';

/** The advisory lock every writing transaction holds (any number: the same on every coordinator). */
export const WRITER_LOCK = 0x636d6478;
/** How long a database found away is not asked again (each ask may hold the event loop for a lock or connect timeout). */
const AWAY_FOR_MS = 2000;
const FLUSH = 'BEGIN; SET LOCAL synchronous_commit = on; UPDATE sync_marker SET n = n + 1 WHERE id = 1; COMMIT';
/** Distinct statement texts prepared by name on the server; dynamic ones past it run unnamed. */
const MAX_NAMED = 400;

function values(params: SqlParams, names: string[] | null): unknown[] {
  const list: SqlValue[] = names ? names.map((name) => (params[0] as Record<string, SqlValue>)[`$${name}`] ?? null) : (params as SqlValue[]);
  return list.map((value) => (typeof value === 'bigint' ? value.toString() : value));
}

class PgStatementHandle implements SqlStatement {
  readonly #db: PostgresDatabase;
  readonly #statement: PgStatement;
  readonly #name: string | undefined;

  constructor(db: PostgresDatabase, statement: PgStatement, name: string | undefined) {
    this.#db = db;
    this.#statement = statement;
    this.#name = name;
  }

  #query(params: SqlParams) {
    try {
      return this.#db.query(this.#statement.text, values(params, this.#statement.names), this.#name);
    } catch (error) {
      // Which statement failed (its text only; values can be secrets), for the coordinator's log.
      if (error instanceof PostgresError && !error.sql) error.sql = this.#statement.text;
      if (process.env.CMDX_PG_TRACE) process.stderr.write(`PGTRACE ${(error as Error).message} :: ${this.#statement.text.replace(/\s+/g, ' ')}\n`);
      throw error;
    }
  }

  run(...params: SqlParams): { changes: number } {
    return { changes: this.#query(params).changes };
  }

  get(...params: SqlParams): Row | undefined {
    return this.#query(params).rows[0] as Row | undefined;
  }

  all(...params: SqlParams): Row[] {
    return this.#query(params).rows as Row[];
  }

  iterate(...params: SqlParams): IterableIterator<Row> {
    return (this.#query(params).rows as Row[])[Symbol.iterator]();
  }
}

export class PostgresDatabase implements Database {
  readonly engine = 'postgres';
  readonly #bridge: PgBridge;
  readonly #side: pg.Pool;
  readonly #names = new Map<string, string>();
  #depth = 0;
  #lost = false;
  /** Until when statements are refused without asking (the database was away): see #call. */
  #awayUntil = 0;
  #commits = 0;
  #unsynced = false;
  #closed = false;
  beforeOuterCommit: (() => void) | undefined;

  /** Connects, and migrates the database (one coordinator at a time, under the writers' lock). */
  constructor(url: string) {
    this.#bridge = new PgBridge(url);
    // The side connection: flushes for group commit, off the event loop.
    // A silent network must end in a refusal (503), not in requests waiting for a flush that never comes.
    this.#side = new pg.Pool({ ...connectionConfig(url, 'sync', 10_000), max: 1, statement_timeout: 15_000, query_timeout: 15_000 });
    this.#side.on('error', () => undefined);
    try {
      this.#migrate();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  query(text: string, params: unknown[], name?: string): { rows: Record<string, unknown>[]; changes: number } {
    return this.#call({ op: 'query', text, values: params, name });
  }

  #exec(text: string): { rows: Record<string, unknown>[]; changes: number } {
    return this.#call({ op: 'exec', text });
  }

  /**
   * A statement, unless the database was found away a moment ago: then the answer is "unavailable" at once, as
   * waiting again would hold the event loop (every statement is synchronous) for every request in turn. A
   * transaction whose connection was lost is over: its next statements would run outside it, one by one.
   */
  #call(request: Parameters<PgBridge['call']>[0], timeoutMs?: number): { rows: Record<string, unknown>[]; changes: number } {
    const rollback = request.text === 'ROLLBACK';
    if (this.#lost && !rollback) throw new PostgresError('The transaction was lost with its connection to PostgreSQL; try again.', '08006');
    if (Date.now() < this.#awayUntil && !rollback) throw new PostgresError('PostgreSQL was unreachable or busy a moment ago; try again shortly.', '08006');
    try {
      return this.#bridge.call(request, timeoutMs);
    } catch (error) {
      if (error instanceof PostgresError && error.unavailable) {
        this.#awayUntil = Date.now() + AWAY_FOR_MS;
        if (this.#depth > 0) this.#lost = true;
      }
      throw error;
    }
  }

  prepare(sql: string): SqlStatement {
    let name = this.#names.get(sql);
    if (name === undefined && this.#names.size < MAX_NAMED) {
      name = `cmdx_${this.#names.size + 1}`;
      this.#names.set(sql, name);
    }
    return new PgStatementHandle(this, toPostgres(sql), name);
  }

  get schemaVersion(): number {
    this.#exec('CREATE TABLE IF NOT EXISTS cmdx_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
    const row = this.#exec('SELECT version FROM cmdx_schema WHERE id = 1').rows[0];
    return row ? Number(row.version) : 0;
  }

  get unsynced(): boolean {
    return this.#unsynced;
  }

  get commits(): number {
    return this.#commits;
  }

  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return this.#savepoint(fn);
    try {
      this.#exec(`BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
    } catch (error) {
      this.#rollback(); // the lock wait gave up: the transaction it began is aborted, and must end here
      throw error;
    }
    this.#depth = 1;
    try {
      const result = fn();
      this.beforeOuterCommit?.();
      this.#exec('COMMIT');
      this.#unsynced = true;
      this.#commits++;
      return result;
    } catch (error) {
      this.#rollback();
      throw error;
    } finally {
      this.#depth = 0;
      this.#lost = false;
    }
  }

  #rollback(): void {
    try {
      this.#exec('ROLLBACK');
    } catch {
      // The connection is gone: the server rolled the transaction back itself.
    }
  }

  #savepoint<T>(fn: () => T): T {
    this.#exec('SAVEPOINT nested');
    this.#depth++;
    try {
      const result = fn();
      this.#exec('RELEASE SAVEPOINT nested');
      return result;
    } catch (error) {
      this.#exec('ROLLBACK TO SAVEPOINT nested; RELEASE SAVEPOINT nested');
      throw error;
    } finally {
      this.#depth--;
    }
  }

  /**
   * A flushed commit makes every commit before it durable: the WAL is one sequence. It must write something (a
   * transaction that wrote no WAL commits without a flush, whatever synchronous_commit says), hence the marker row.
   */
  async syncWal(): Promise<void> {
    if (this.#closed) return;
    this.#unsynced = false;
    await this.#side.query(FLUSH);
  }

  sync(): void {
    if (!this.#unsynced || this.#closed) return;
    this.#exec(FLUSH);
    this.#unsynced = false;
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.sync();
    } catch {
      // Closing after the database went away: nothing more can be flushed.
    }
    this.#closed = true;
    this.#bridge.close();
    void this.#side.end().catch(() => undefined);
  }

  #migrate(): void {
    const current = this.transaction(() => this.schemaVersion);
    if (current > NEWEST_VERSION) {
      throw new Error(`The database was written by a newer CMD Executor (schema ${current}, this build knows ${NEWEST_VERSION}); upgrade this coordinator.`);
    }
    if (current === NEWEST_VERSION) return;
    this.transaction(() => {
      // Another coordinator may have migrated while this one waited for the lock.
      const now = this.schemaVersion;
      // A migration may take long on a big database: no statement or lock limit, and the bridge waits ten minutes.
      this.#exec('SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0');
      for (const step of postgresMigrationScript(now)) {
        this.#call({ op: 'exec', text: step.script }, 600_000);
        this.#exec(`INSERT INTO cmdx_schema (id, version) VALUES (1, ${step.to}) ON CONFLICT (id) DO UPDATE SET version = excluded.version`);
      }
    });
    // On disk before anything is served: a schema lost to a crash of the server would leave a database without tables.
    this.sync();
  }
}

export { PostgresError };
