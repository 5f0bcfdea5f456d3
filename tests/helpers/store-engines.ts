/**
 * The store's two engines for the store suite (tests/store/): each suite file runs its tests once on SQLite and
 * once on PostgreSQL, a fresh database per store, on one throwaway cluster per file (postgres.ts).
 */
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { join } from 'node:path';
import { CoordinatorEvents } from '../../electron/core/coordinator/live/events.ts';
import { Store, type StoreOptions } from '../../electron/core/coordinator/state/store.ts';
import { tempDir } from './temp.ts';
import { startPostgres, type PostgresCluster } from './postgres.ts';

export interface Engine {
  name: 'sqlite' | 'postgres';
  /** A new, empty store (a new file or a new database). */
  open(options?: Partial<StoreOptions>): Store;
  /** Where a coordinator started now keeps its store: undefined for SQLite in its data folder, else a new database. */
  database(): string | undefined;
}

let cluster: PostgresCluster | undefined;
let databases = 0;
/** Set while a suite runs on PostgreSQL: test coordinators started then use a new database of the cluster. */
let coordinatorsOnPostgres = false;
const databaseOf = new Map<string, string>();

function newDatabase(): string {
  return cluster!.createDatabase(`t${++databases}`);
}

/**
 * The database startTestCoordinator gives a coordinator: PostgreSQL while a PostgreSQL suite runs, or in every test
 * when $CMDX_TEST_POSTGRES names a cluster (`postgres://user@127.0.0.1:port`; a developer's way to run any suite there).
 */
export async function testDatabase(dataDir: string): Promise<string | undefined> {
  // A coordinator started again on the same data folder finds its database again.
  const known = databaseOf.get(dataDir);
  if (known) return known;
  const url = await newTestDatabase();
  if (url) databaseOf.set(dataDir, url);
  return url;
}

async function newTestDatabase(): Promise<string | undefined> {
  if (coordinatorsOnPostgres && cluster) return newDatabase();
  const base = process.env.CMDX_TEST_POSTGRES;
  if (!base) return undefined;
  const name = `t_${process.pid}_${++databases}`;
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `${base}/${name}`;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    open: (options = {}) => new Store({ file: join(tempDir(), 'c.db'), events: new CoordinatorEvents(), ...options }),
    database: () => undefined,
  },
  {
    name: 'postgres',
    open: (options = {}) => new Store({ file: ':memory:', database: newDatabase(), events: new CoordinatorEvents(), ...options }),
    database: () => newDatabase(),
  },
];

/** Declares `suite` once per engine: `describe('<name> on sqlite')`, `describe('<name> on postgres')`. */
export function onBothEngines(name: string, suite: (engine: Engine) => void): void {
  for (const engine of ENGINES) {
    describe(`${name} on ${engine.name}`, () => {
      if (engine.name === 'postgres') {
        before(async () => {
          cluster ??= await startPostgres();
          coordinatorsOnPostgres = true;
        });
        after(() => {
          coordinatorsOnPostgres = false;
        });
      }
      suite(engine);
    });
  }
  after(() => {
    cluster?.stop();
    cluster = undefined;
  });
}
