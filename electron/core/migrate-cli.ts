/**
 * `cmdx coordinator migrate --from DIR --to postgres://…`: a stopped coordinator's SQLite store copied into an empty
 * PostgreSQL database and verified, table by table; its uploads and artifacts copied into --files-dir. The URL's
 * password is never printed: every line, and every error, goes out with it masked.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATE_OPTIONS } from './options/coordinator-options.ts';
import { parseOptions, UsageError } from './options/parse-options.ts';
import type { TableCheck } from './coordinator/migrate/copy-tables.ts';
import type { FolderCopy } from './coordinator/migrate/copy-files.ts';

/** The coordinator's SQLite file in a data dir (server.ts's DATABASE_FILE, not imported: that would load the server). */
const DATABASE_FILE = 'coordinator.db';

/** The URL's password, as written and as decoded, or nothing when it has none. */
function passwords(url: string): string[] {
  const found: string[] = [];
  const userinfo = /^[a-z]+:\/\/([^@/?#]*)@/i.exec(url)?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  if (userinfo && colon >= 0) found.push(userinfo.slice(colon + 1));
  for (const match of url.matchAll(/[?&]password=([^&#]*)/gi)) found.push(match[1]!);
  return found.filter((p) => p !== '').flatMap((p) => [p, safeDecode(p)]);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `text` with every occurrence of the URL's password replaced by `***`. */
export function maskPassword(text: string, url: string): string {
  let masked = text;
  for (const password of passwords(url).sort((a, b) => b.length - a.length)) masked = masked.replaceAll(password, '***');
  return masked;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

/** The verification as a table: one line per table, `ok` or `DIFFERS`. */
export function checksTable(checks: TableCheck[], differs: (check: TableCheck) => boolean): string {
  const head = ['table', 'sqlite rows', 'postgres rows', 'sqlite max key', 'postgres max key', ''];
  const lines = checks.map((c) => [
    c.table,
    String(c.sqliteRows),
    String(c.postgresRows),
    c.sqliteMaxKey ?? '-',
    c.postgresMaxKey ?? '-',
    differs(c) ? 'DIFFERS' : 'ok',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines].map((cells) => pad(cells, widths).trimEnd()).join('\n') + '\n';
}

function filesText(copies: FolderCopy[] | undefined, dataDir: string, filesDir: string | undefined): string {
  if (!copies || !filesDir) {
    return `Files: the uploads and artifacts stay in ${join(dataDir, 'uploads')} and ${join(dataDir, 'artifacts')}; copy them into the campus's shared files folder (--files-dir) before the coordinators start, or run migrate again with --files-dir DIR.\n`;
  }
  const each = copies.map((c) => `${c.folder}: ${c.files} files (${c.bytes} bytes) copied${c.kept ? `, ${c.kept} there already` : ''}`);
  return `Files: into ${filesDir}: ${each.join('; ')}.\n`;
}

/** Runs the migrate; the exit code (0: copied and every table matches). */
export async function migrate(args: string[], write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const values = parseOptions(MIGRATE_OPTIONS, args, process.env);
  const url = values.to;
  delete process.env.CMDX_DATABASE;
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError(`--to must be a postgres:// URL (got "${maskPassword(url, url).slice(0, 80)}").`);
  const out = (text: string): void => write(maskPassword(text, url));
  try {
    return await copy(values.from, url, values['files-dir'], out);
  } catch (error) {
    // pg's own messages do not hold the URL; a message built from it, or an odd driver, still must not show it.
    throw Object.assign(new Error(maskPassword((error as Error).message, url)), { exitCode: (error as { exitCode?: number }).exitCode });
  }
}

async function copy(dataDir: string, url: string, filesDir: string | undefined, out: (text: string) => void): Promise<number> {
  const file = join(dataDir, DATABASE_FILE);
  // Opening a missing file would make an empty store: refused instead.
  if (!existsSync(file)) throw new Error(`${dataDir} holds no ${DATABASE_FILE}; give --from the data dir of the coordinator to migrate.`);
  // Loaded only here: the other commands never load either engine for this.
  const { SqliteDatabase } = await import('./coordinator/state/sqlite-database.ts');
  const { PostgresDatabase } = await import('./coordinator/state/postgres/pg-database.ts');
  const { copyTables, CopyMismatch, difference, refuseUnlessEmpty, tableShapes } = await import('./coordinator/migrate/copy-tables.ts');
  const { copyFiles } = await import('./coordinator/migrate/copy-files.ts');
  out(`Migrating ${file} to ${url}\n`);
  let sqlite: InstanceType<typeof SqliteDatabase>;
  try {
    // The exclusive lock a coordinator holds too: none can run on it meanwhile. Opening migrates it to this build's schema.
    sqlite = new SqliteDatabase(file);
  } catch (error) {
    if (/already in use/.test((error as Error).message)) {
      throw new Error(`A coordinator is running on ${dataDir}: stop it first (its store must not change while it is copied).`, { cause: error });
    }
    throw error;
  }
  try {
    const pg = (() => {
      try {
        return new PostgresDatabase(url); // creates the schema in an empty database
      } catch (error) {
        throw new Error(`PostgreSQL at ${url} could not be opened: ${(error as Error).message}`, { cause: error });
      }
    })();
    try {
      refuseUnlessEmpty(pg, tableShapes(sqlite)); // before any file is copied; checked again inside the copy's transaction
      const copies = filesDir ? copyFiles(dataDir, filesDir) : undefined;
      try {
        const report = copyTables(sqlite, pg, (table, rows) => out(`copied ${table}: ${rows} rows\n`));
        out(`\nVerified before the commit (schema ${sqlite.schemaVersion}), ${report.rows} rows in ${(report.ms / 1000).toFixed(1)} s:\n`);
        out(checksTable(report.checks, (c) => difference(c) !== undefined));
      } catch (error) {
        if (!(error instanceof CopyMismatch)) {
          throw new Error(`The copy failed, so nothing was committed (the PostgreSQL database is as it was): ${(error as Error).message}`, { cause: error });
        }
        out(checksTable(error.checks, (c) => difference(c) !== undefined));
        out(`\nThe copy differs, so nothing was committed; the PostgreSQL database is empty:\n${error.checks.map(difference).filter(Boolean).join('\n')}\n`);
        return 1;
      }
      out(`\n${filesText(copies, dataDir, filesDir)}`);
      out(
        `Identity: tokens.json, the certificate and its key stay in ${dataDir}; they go to the other coordinators with "cmdx coordinator export-identity".\n`,
      );
      out(`Done: start the coordinators on ${url} (--database, or $CMDX_DATABASE).\n`);
      return 0;
    } finally {
      pg.close();
    }
  } finally {
    sqlite.close();
  }
}
