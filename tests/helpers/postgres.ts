/**
 * A throwaway PostgreSQL cluster for tests, the chaos run and the bench: initdb in a temporary folder, started with
 * pg_ctl on a free loopback port as an unprivileged user (root runs it as `postgres`, the account Debian's package
 * makes), one database `cmdx`; stop() removes it all. Nothing listens beyond 127.0.0.1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** postgres://… of the cluster's `cmdx` database. */
  url: string;
  port: number;
  dir: string;
  /** Another database on the same cluster (for a second, separate coordinator). */
  createDatabase(name: string): string;
  /** Stops the server at once (`-m immediate`: as if it crashed) and starts it again. */
  restart(): void;
  /** Stops the server at once, as if it crashed; resume() starts it again. */
  pause(): void;
  resume(): void;
  stop(): void;
}

/** The server's programs: Debian keeps them in /usr/lib/postgresql/<version>/bin. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it.');
  return join(root, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs a server program as the unprivileged owner of the cluster (initdb and postgres refuse root). */
function runAs(user: string | null, program: string, args: string[]): void {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', program, ...args]] : [program, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export interface PostgresOptions {
  /**
   * Flush to disk as a real server does (the bench, beside SQLite's fdatasync). Off by default: tests and the chaos
   * run want speed, and a crash of this server (restart()) is a process's, which fsync=off survives.
   */
  fsync?: boolean;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresCluster> {
  const bin = binDir();
  const user = process.getuid?.() === 0 ? 'postgres' : null;
  const dir = mkdtempSync(join(tmpdir(), 'cmdx-pg-'));
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  runAs(user, join(bin, 'initdb'), ['-D', data, '-U', 'cmdx', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${options.fsync ? 'on' : 'off'} -c max_connections=200`;
  const start = () => runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  const stopNow = (mode: string) => runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
  start();
  const createDatabase = (name: string): string => {
    runAs(user, join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'cmdx', name]);
    return `postgres://cmdx@127.0.0.1:${port}/${name}`;
  };
  let stopped = false;
  return {
    url: createDatabase('cmdx'),
    port,
    dir,
    createDatabase,
    restart() {
      stopNow('immediate');
      start();
    },
    pause: () => stopNow('immediate'),
    resume: start,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        stopNow('fast');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
