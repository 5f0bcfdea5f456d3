/**
 * PostgreSQL's schema, from the one migration history (../migrations.ts). Version 27, when PostgreSQL came, is made
 * at once from SQLite's own schema at that version (its CREATE statements, translated); every later migration is
 * translated and run in turn, so both engines stay at the same version with the same tables.
 */
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from '../migrations.ts';
import { ddlToPostgres } from './pg-dialect.ts';

/** The schema version PostgreSQL starts at. */
export const PG_BASELINE_VERSION = 27;

function literal(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') throw new TypeError(`a migration put a ${typeof value} in a table; only numbers and text are copied`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** SQLite's CREATE statements after the first `version` migrations, in the order they were made, then the rows they put in. */
function sqliteSchemaAt(version: number): string[] {
  const db = new DatabaseSync(':memory:');
  try {
    for (const migration of MIGRATIONS.slice(0, version)) db.exec(migration);
    const creates = db
      .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid")
      .all()
      .map((row) => ddlToPostgres(String(row.sql)));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
    // Rows a migration put in (the sync marker, the audit chain's head) belong to the schema too.
    const rows = tables.flatMap(({ name }) =>
      db
        .prepare(`SELECT * FROM "${String(name)}"`)
        .all()
        .map((row) => `INSERT INTO ${String(name)} (${Object.keys(row).join(', ')}) VALUES (${Object.values(row).map(literal).join(', ')})`),
    );
    return [...creates, ...rows];
  } finally {
    db.close();
  }
}

/** The script that brings a PostgreSQL database from `from` to the newest version (`from` 0: an empty one). */
export function postgresMigrationScript(from: number): { script: string; to: number }[] {
  const steps: { script: string; to: number }[] = [];
  if (from < PG_BASELINE_VERSION) {
    const baseline = ['CREATE EXTENSION IF NOT EXISTS citext', ...sqliteSchemaAt(PG_BASELINE_VERSION)];
    steps.push({ script: baseline.join(';\n'), to: PG_BASELINE_VERSION });
  }
  for (let version = Math.max(from, PG_BASELINE_VERSION); version < MIGRATIONS.length; version++) {
    steps.push({ script: ddlToPostgres(MIGRATIONS[version]!), to: version + 1 });
  }
  return steps;
}

export const NEWEST_VERSION = MIGRATIONS.length;
