/**
 * The coordinator's SQLite file (node:sqlite): open with an exclusive lock, migrate, transactions and
 * group-commit durability. Transactions commit to the WAL without an fsync (synchronous=NORMAL: safe
 * against a killed process, as the WAL is already in the OS); `syncWal()` then makes everything committed
 * so far survive power loss too, with one fdatasync of the WAL on libuv's threads, so the event loop
 * goes on meanwhile (`sync()` is the same on the loop, for closing). Node runs the statements
 * synchronously on one thread, so a transaction is also the lock that makes job assignment atomic.
 */
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';
import { int } from './row.ts';
import type { Database, SqlStatement } from './sql.ts';

export class SqliteDatabase implements Database {
  readonly engine = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #file: string;
  #unsynced = false;
  /** Counts commits: a change is durable once a WAL sync that started after its commit has ended. */
  #commits = 0;
  #walFd: number | undefined;
  /** Runs inside every outer transaction just before it commits (the audit log's row goes in with the change). */
  beforeOuterCommit: (() => void) | undefined;

  /** Opens (creating if needed) and migrates `file`; throws a sentence if another coordinator holds it. */
  constructor(file: string) {
    this.#file = file;
    this.#db = new DatabaseSync(file);
    // One coordinator per file: assignment is atomic only inside one process. The OS drops the lock if we die.
    this.#db.exec('PRAGMA locking_mode = EXCLUSIVE');
    try {
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (error) {
      this.#db.close();
      if (/locked|busy/i.test((error as Error).message)) {
        throw new Error(`The database ${file} is already in use by another coordinator; stop that one or use another --data-dir.`, { cause: error });
      }
      throw error;
    }
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec('PRAGMA foreign_keys = ON');
    this.migrate();
  }

  prepare(sql: string): SqlStatement {
    return this.#db.prepare(sql) as SqlStatement;
  }

  /** Schema version this file is at. */
  get schemaVersion(): number {
    return int(this.#db.prepare('PRAGMA user_version').get()!, 'user_version');
  }

  /** Whether transactions were committed since the last sync(). */
  get unsynced(): boolean {
    return this.#unsynced;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction; rolls back if it throws. Called inside another, it is a
   * savepoint of that one: it commits with the outer transaction, and a throw undoes only its own part.
   */
  transaction<T>(fn: () => T): T {
    if (this.#db.isTransaction) return this.#savepoint(fn);
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.beforeOuterCommit?.();
      this.#db.exec('COMMIT');
      this.#unsynced = true;
      this.#commits++;
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #savepoint<T>(fn: () => T): T {
    this.#db.exec('SAVEPOINT nested');
    try {
      const result = fn();
      this.#db.exec('RELEASE nested');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK TO nested; RELEASE nested');
      throw error;
    }
  }

  /** How many transactions were committed so far (what a WAL sync started now will cover). */
  get commits(): number {
    return this.#commits;
  }

  /**
   * One fdatasync of the WAL, off the event loop: every transaction committed before the call is then on
   * disk (commit frames are in the WAL; checkpoints sync the database file themselves). Call one at a time.
   */
  syncWal(): Promise<void> {
    if (this.#file === ':memory:' || !this.#db.isOpen) return Promise.resolve();
    this.#unsynced = false;
    const fd = this.#wal();
    return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }

  /** The WAL, opened once; again if SQLite ever made a new file (a sync of a file no longer there would prove nothing). */
  #wal(): number {
    const path = `${this.#file}-wal`;
    if (this.#walFd !== undefined && fstatSync(this.#walFd).ino !== statSync(path).ino) {
      closeSync(this.#walFd);
      this.#walFd = undefined;
    }
    this.#walFd ??= openSync(path, 'r');
    return this.#walFd;
  }

  /** One fsync for every transaction committed so far, on the loop: a tiny FULL commit flushes the whole WAL. */
  sync(): void {
    if (!this.#unsynced || !this.#db.isOpen) return;
    this.#db.exec('PRAGMA synchronous = FULL');
    try {
      this.#db.exec('BEGIN IMMEDIATE; UPDATE sync_marker SET n = n + 1 WHERE id = 1; COMMIT');
    } finally {
      this.#db.exec('PRAGMA synchronous = NORMAL');
    }
    this.#unsynced = false;
  }

  close(): void {
    if (!this.#db.isOpen) return;
    this.sync();
    this.#db.close();
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    this.#walFd = undefined;
  }

  private migrate(): void {
    const current = this.schemaVersion;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `The database was written by a newer CMD Executor (schema ${current}, this build knows ${MIGRATIONS.length}); upgrade this coordinator or use another --data-dir.`,
      );
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.transaction(() => {
        this.#db.exec(MIGRATIONS[version]!);
        this.#db.exec(`PRAGMA user_version = ${version + 1}`);
      });
    }
  }
}
