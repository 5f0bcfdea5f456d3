/**
 * The campus scenario's setups: one coordinator on SQLite, one on PostgreSQL, two on one PostgreSQL (one identity,
 * one shared files folder). run.ts measures throughput and pickup on each, alternating them run by run. The
 * PostgreSQL cluster is a throwaway one on this machine (tests/helpers/postgres.ts) started with fsync on, so its
 * commits reach the disk as SQLite's do (fdatasync); each run gets a fresh database on it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { PostgresCluster } from '../tests/helpers/postgres.ts';
import { CLI, startCoordinator, tempDir, type BenchCoordinator } from './lib.ts';

/** The coordinators of one run (workers and requests are spread over them in turn) and how to stop them all. */
export interface BenchSetup {
  coordinators: BenchCoordinator[];
  stop: () => Promise<void>;
}

export type StartSetup = (extra: string[]) => Promise<BenchSetup>;

/** One coordinator on SQLite in its data folder: what every other scenario measures. */
export const singleSqlite: StartSetup = async (extra) => {
  const c = await startCoordinator(extra);
  return { coordinators: [c], stop: () => c.stop() };
};

const PASSPHRASE = 'the bench campus passphrase';
let databases = 0;

/** `count` coordinators on a fresh database of `cluster`; the second and later serve the first one's identity. */
export function onPostgres(cluster: PostgresCluster, count: 1 | 2): StartSetup {
  return async (extra) => {
    const env = { CMDX_DATABASE: cluster.createDatabase(`bench_${++databases}`), CMDX_IDENTITY_PASSPHRASE: PASSPHRASE };
    const filesDir = tempDir('cmdx-bench-files-');
    const args = [...extra, '--files-dir', filesDir];
    const first = await startCoordinator(args, tempDir(), env);
    const coordinators = [first];
    try {
      if (count === 2) {
        const identity = join(tempDir('cmdx-bench-id-'), 'campus.identity');
        const exported = spawnSync(process.execPath, [CLI, 'coordinator', 'export-identity', '--data-dir', first.dataDir, '--out', identity], {
          env: { ...process.env, ...env },
          encoding: 'utf8',
          timeout: 60_000,
        });
        if (exported.status !== 0) throw new Error(`export-identity failed: ${exported.stderr}`);
        coordinators.push(await startCoordinator([...args, '--identity', identity], tempDir(), env));
      }
    } catch (error) {
      await first.stop();
      throw error;
    }
    return { coordinators, stop: async () => void (await Promise.all(coordinators.map((c) => c.stop()))) };
  };
}

export const CAMPUS_SETUPS = ['sqlite_1', 'postgres_1', 'postgres_2'] as const;
export type CampusSetupName = (typeof CAMPUS_SETUPS)[number];

export const CAMPUS_LABELS: Record<CampusSetupName, string> = {
  sqlite_1: '1 coordinator, SQLite',
  postgres_1: '1 coordinator, PostgreSQL',
  postgres_2: '2 coordinators, one PostgreSQL',
};

export const CAMPUS_NOTE =
  'All on this one machine: the coordinators, the simulated or real workers and the PostgreSQL server share its cores, ' +
  'so a second coordinator here adds no CPU. The PostgreSQL cluster is a throwaway one with fsync on (synchronous_commit on), ' +
  "as SQLite's store flushes with fdatasync: each durable commit reaches the disk on both. A second coordinator buys " +
  'a takeover when the first dies (the duties and the workers move to it within seconds) and spreads the HTTP and TLS work ' +
  'over more processes (on more machines, more cores); it costs what a shared database costs: every write goes through one ' +
  'advisory lock in PostgreSQL (claims are serialized), every statement is a round trip to the server, and an event made on ' +
  'one coordinator reaches the other through LISTEN/NOTIFY.';
