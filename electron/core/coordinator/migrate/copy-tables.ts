/**
 * A lab's SQLite store copied into an empty PostgreSQL database of the same schema version, in one PostgreSQL
 * transaction: the tables from SQLite's own catalogue, parents before children (foreign keys), each read lazily in
 * key order and written in batches bounded in rows and bytes; the identity sequences moved past the ids copied; the
 * row counts and highest keys compared before the commit, so a migrate that fails or differs leaves the target empty.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { MIGRATIONS } from '../state/migrations.ts';
import type { PostgresDatabase } from '../state/postgres/pg-database.ts';
import type { SqliteDatabase } from '../state/sqlite-database.ts';

/** Rows per INSERT at most (PostgreSQL takes at most 65535 values in one statement). */
const BATCH_ROWS = 500;
/** Bytes of text and blobs per INSERT at most: a large job log goes through in pieces, never whole. */
const BATCH_BYTES = 4 * 1024 * 1024;

export interface TableShape {
  name: string;
  columns: string[];
  /** What the rows are read in order of: `rowid`, or the primary key's columns of a WITHOUT ROWID table. */
  order: string[];
  /** The integer primary key compared after the copy (its maximum), when the table has one. */
  intKey: string | undefined;
  parents: string[];
}

export interface TableCheck {
  table: string;
  sqliteRows: number;
  postgresRows: number;
  sqliteMaxKey: string | null;
  postgresMaxKey: string | null;
}

export interface CopyReport {
  checks: TableCheck[];
  rows: number;
  ms: number;
}

/** A check that failed, in words; undefined when both sides agree. */
export function difference(check: TableCheck): string | undefined {
  if (check.sqliteRows !== check.postgresRows) return `${check.table}: ${check.sqliteRows} rows in SQLite, ${check.postgresRows} in PostgreSQL`;
  if (check.sqliteMaxKey !== check.postgresMaxKey)
    return `${check.table}: highest key ${check.sqliteMaxKey ?? 'none'} in SQLite, ${check.postgresMaxKey ?? 'none'} in PostgreSQL`;
  return undefined;
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** PostgreSQL folds the schema's unquoted names to lower case. */
const pgName = (name: string): string => quote(name.toLowerCase());

/** The tables of a SQLite store, parents first; SQLite's own (sqlite_sequence) left out. */
export function tableShapes(sqlite: SqliteDatabase): TableShape[] {
  const rows = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
  const shapes = rows.map(({ name, sql }): TableShape => {
    const table = String(name);
    const info = sqlite.prepare(`PRAGMA table_info(${quote(table)})`).all();
    const keys = info.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk));
    const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(String(sql));
    const first = keys[0];
    return {
      name: table,
      columns: info.map((c) => String(c.name)),
      order: withoutRowid ? keys.map((c) => String(c.name)) : ['rowid'],
      intKey: first && /^INTEGER$/i.test(String(first.type)) ? String(first.name) : undefined,
      parents: sqlite
        .prepare(`PRAGMA foreign_key_list(${quote(table)})`)
        .all()
        .map((fk) => String(fk.table))
        .filter((parent) => parent !== table),
    };
  });
  return parentsFirst(shapes);
}

function parentsFirst(shapes: TableShape[]): TableShape[] {
  const byName = new Map(shapes.map((s) => [s.name, s]));
  const done = new Set<string>();
  const ordered: TableShape[] = [];
  const visit = (shape: TableShape, path: string[]): void => {
    if (done.has(shape.name)) return;
    if (path.includes(shape.name))
      throw new Error(`the tables' foreign keys form a cycle (${[...path, shape.name].join(' → ')}); this build cannot order them`);
    for (const parent of shape.parents) {
      const p = byName.get(parent);
      if (p) visit(p, [...path, shape.name]);
    }
    done.add(shape.name);
    ordered.push(shape);
  };
  for (const shape of shapes) visit(shape, []);
  return ordered;
}

/** The rows the schema itself puts in each table (the sync marker, the audit chain's head): an empty store has these. */
function schemaRows(): Map<string, number> {
  const db = new DatabaseSync(':memory:');
  try {
    for (const migration of MIGRATIONS) db.exec(migration);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
    return new Map(tables.map(({ name }) => [String(name), Number(db.prepare(`SELECT count(*) AS n FROM ${quote(String(name))}`).get()!.n)]));
  } finally {
    db.close();
  }
}

function pgCount(pg: PostgresDatabase, table: string): number {
  return Number(pg.query(`SELECT count(*) AS n FROM ${pgName(table)}`, []).rows[0]!.n);
}

/** Refuses a target that holds anything beyond what its schema put in: a migrate never merges into a live database. */
export function refuseUnlessEmpty(pg: PostgresDatabase, shapes: TableShape[]): void {
  const seeded = schemaRows();
  const busy = shapes
    .map((s) => ({ table: s.name, rows: pgCount(pg, s.name), schema: seeded.get(s.name) ?? 0 }))
    .filter((t) => t.rows > t.schema)
    .map((t) => `${t.table} (${t.rows} rows)`);
  if (busy.length > 0) {
    throw new Error(
      `The PostgreSQL database already holds CMD Executor data: ${busy.join(', ')}. A migrate never merges into a database a coordinator uses; give an empty database (createdb a new one).`,
    );
  }
}

type Value = null | number | string | Uint8Array;

function valueOf(value: unknown): Value {
  if (typeof value === 'bigint') return value.toString();
  return value as Value;
}

function sizeOf(value: Value): number {
  if (typeof value === 'string') return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  return 8;
}

/** One table's rows, read lazily in key order and inserted in batches; how many were copied. */
function copyTable(sqlite: SqliteDatabase, pg: PostgresDatabase, shape: TableShape): number {
  const select = sqlite.prepare(
    `SELECT ${shape.columns.map(quote).join(', ')} FROM ${quote(shape.name)} ORDER BY ${shape.order.map((c) => (c === 'rowid' ? c : quote(c))).join(', ')}`,
  ) as unknown as StatementSync;
  select.setReadBigInts(true); // every integer exactly, whatever its size
  const width = shape.columns.length;
  const rowsPerBatch = Math.max(1, Math.min(BATCH_ROWS, Math.floor(60_000 / width)));
  const head = `INSERT INTO ${pgName(shape.name)} (${shape.columns.map(pgName).join(', ')}) VALUES `;
  const insert = (count: number): string =>
    head + Array.from({ length: count }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
  const full = insert(rowsPerBatch);
  let values: Value[] = [];
  let bytes = 0;
  let copied = 0;
  const flush = (): void => {
    const count = values.length / width;
    if (count === 0) return;
    // The full batch is prepared once on the server; the shorter ones (a table's last, a batch of big rows) run unnamed.
    if (count === rowsPerBatch) pg.query(full, values, `cmdx_migrate_${shape.name}`);
    else pg.query(insert(count), values);
    copied += count;
    values = [];
    bytes = 0;
  };
  for (const row of select.iterate()) {
    for (const column of shape.columns) {
      const value = valueOf(row[column]);
      values.push(value);
      bytes += sizeOf(value);
    }
    if (values.length / width >= rowsPerBatch || bytes >= BATCH_BYTES) flush();
  }
  flush();
  return copied;
}

/** Each identity column's sequence moved past the ids copied (and past SQLite's AUTOINCREMENT high-water mark, so a deleted id is never used again). */
function moveSequences(sqlite: SqliteDatabase, pg: PostgresDatabase): void {
  const identities = pg.query(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
    [],
  ).rows;
  const hasSequenceTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
  for (const { table_name: table, column_name: column } of identities) {
    const copiedMax = pg.query(`SELECT max(${pgName(String(column))}) AS m FROM ${pgName(String(table))}`, []).rows[0]!.m;
    const highWater = hasSequenceTable ? sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE lower(name) = ?').get(String(table))?.seq : undefined;
    const next = Math.max(Number(copiedMax ?? 0), Number(highWater ?? 0));
    if (next > 0) pg.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, true)', [pgName(String(table)), String(column), next]);
  }
}

function maxKey(rows: Record<string, unknown>[]): string | null {
  const m = rows[0]?.m;
  return typeof m === 'string' || typeof m === 'number' || typeof m === 'bigint' ? String(m) : null;
}

function check(sqlite: SqliteDatabase, pg: PostgresDatabase, shape: TableShape): TableCheck {
  const sqliteRows = Number(sqlite.prepare(`SELECT count(*) AS n FROM ${quote(shape.name)}`).get()!.n);
  const key = shape.intKey;
  return {
    table: shape.name,
    sqliteRows,
    postgresRows: pgCount(pg, shape.name),
    sqliteMaxKey: key ? maxKey([sqlite.prepare(`SELECT CAST(max(${quote(key)}) AS TEXT) AS m FROM ${quote(shape.name)}`).get()!]) : null,
    postgresMaxKey: key ? maxKey(pg.query(`SELECT max(${pgName(key)})::text AS m FROM ${pgName(shape.name)}`, []).rows) : null,
  };
}

/** Thrown (rolling the copy back) when the counts differ; carries the checks for the report. */
export class CopyMismatch extends Error {
  readonly checks: TableCheck[];
  constructor(checks: TableCheck[]) {
    super(`the copy differs from the SQLite file: ${checks.map(difference).filter(Boolean).join('; ')}`);
    this.checks = checks;
  }
}

/**
 * Copies every table of `sqlite` into `pg` (both open at this build's schema version) in one transaction, verified
 * before it commits; `progress` hears each table as it is done.
 */
export function copyTables(sqlite: SqliteDatabase, pg: PostgresDatabase, progress: (table: string, rows: number) => void = () => undefined): CopyReport {
  const started = performance.now();
  if (sqlite.schemaVersion !== pg.schemaVersion) {
    throw new Error(
      `The SQLite file is at schema ${sqlite.schemaVersion} and the PostgreSQL database at ${pg.schemaVersion}; both must be at this build's (${MIGRATIONS.length}).`,
    );
  }
  const shapes = tableShapes(sqlite);
  let rows = 0;
  const checks = pg.transaction(() => {
    refuseUnlessEmpty(pg, shapes);
    // The rows the schema put in (the sync marker, the audit chain's head) give way to the lab's own.
    for (const shape of [...shapes].reverse()) pg.query(`DELETE FROM ${pgName(shape.name)}`, []);
    for (const shape of shapes) {
      const copied = copyTable(sqlite, pg, shape);
      rows += copied;
      progress(shape.name, copied);
    }
    moveSequences(sqlite, pg);
    const result = shapes.map((shape) => check(sqlite, pg, shape));
    if (result.some((c) => difference(c) !== undefined)) throw new CopyMismatch(result);
    return result;
  });
  pg.sync(); // the commit on disk before the report says it is there
  return { checks, rows, ms: Math.round(performance.now() - started) };
}
