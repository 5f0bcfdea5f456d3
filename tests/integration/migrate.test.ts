/**
 * `cmdx coordinator migrate`: a lab's SQLite state (workers, jobs with logs, a run, a person, a template, audit rows,
 * uploads) copied by the built CLI into a fresh PostgreSQL database and read back through a coordinator started on
 * it; a new job after the copy gets a fresh id (the identity sequences moved); refusals of a database that holds
 * data and of a data dir whose coordinator runs; the URL's password never printed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { createUser } from '../helpers/people.ts';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.ts';
import { CLI } from '../helpers/processes.ts';
import { submitZip } from '../helpers/jobs.ts';

const run = promisify(execFile);
const PASSWORD = 'pw-Xq7-secret';
const FILE = 'http://files.invalid/project.zip';

/** The built CLI's exit code and output (a non-zero exit is an answer here). */
async function cmdx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr, ms: performance.now() - started };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ms: performance.now() - started };
  }
}

/** The verification table's rows: table → [sqlite rows, postgres rows, sqlite max key, postgres max key, verdict]. */
function checks(stdout: string): Map<string, string[]> {
  const start = stdout.split('\n').findIndex((line) => line.startsWith('table '));
  assert.ok(start >= 0, stdout);
  const rows = new Map<string, string[]>();
  for (const line of stdout.split('\n').slice(start + 1)) {
    if (line.trim() === '') break;
    const [table, ...cells] = line.trim().split(/\s+/);
    rows.set(table!, cells);
  }
  return rows;
}

/** The URL of a new database on the cluster, with a password (the test cluster trusts any). */
function withPassword(url: string): string {
  return url.replace('postgres://cmdx@', `postgres://cmdx:${PASSWORD}@`);
}

interface Lab {
  dataDir: string;
  jobIds: string[];
  done: string;
  runId: string;
}

/** A lab's state in SQLite, made through the API: two workers, jobs (one with output, completed), a run, a person, a template. */
async function labState(): Promise<Lab> {
  const dataDir = tempDir('cmdx-migrate-');
  const c = await startTestCoordinator({ dataDir });
  try {
    assert.equal(c.context.store.db.engine, 'sqlite');
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    const w1 = await c.register('pc-1');
    await c.register('pc-2', { tags: ['room-b'] });
    const jobIds = [await submitZip(t, [{ name: 'a.txt', content: 'one' }], 'echo one'), await submitZip(t, [{ name: 'b.txt', content: 'two' }], 'echo two')];
    const created = await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo run', fileUrl: FILE } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const got = await c.api('GET', '/api/jobs/get-job?workerId=pc-1', { token: w1 });
    assert.equal(got.status, 200, JSON.stringify(got.body));
    const done = got.body.job.jobId as string;
    const chunks = Array.from({ length: 40 }, (_, seq) => ({ stream: seq % 5 === 4 ? 'stderr' : 'stdout', seq, data: `line ${seq} ${'x'.repeat(200)}\n` }));
    const logs = await c.api('POST', '/api/jobs/logs', { token: w1, body: { jobId: done, workerId: 'pc-1', chunks } });
    assert.equal(logs.status, 200, JSON.stringify(logs.body));
    const result = await c.api('POST', '/api/jobs/submit-result', { token: w1, body: { jobId: done, workerId: 'pc-1', exitCode: 0 } });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    await createUser(c, 'maria', 'teacher', { tags: ['room-b'] });
    const template = await c.api('POST', '/api/templates/create', { body: { name: 'Build', commands: 'make', params: [] } });
    assert.equal(template.status, 200, JSON.stringify(template.body));
    // A result file as the artifact store keeps one (the API's upload is covered by the artifacts suite).
    mkdirSync(join(dataDir, 'artifacts', done), { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, 'artifacts', done, 'artifacts.zip'), 'zip bytes', { mode: 0o600 });
    return { dataDir, jobIds, done, runId: created.body.runId };
  } finally {
    await c.close();
  }
}

describe('cmdx coordinator migrate', () => {
  let cluster: PostgresCluster;
  let lab: Lab;
  let databases = 0;
  const newDatabase = (): string => withPassword(cluster.createDatabase(`m${++databases}`));

  before(async () => {
    cluster = await startPostgres();
    lab = await labState();
  });
  after(() => {
    cluster?.stop();
  });

  it('copies every table and the files, verifies the counts, and a coordinator on PostgreSQL reads the same lab; a new job gets a fresh id', async () => {
    const url = newDatabase();
    const filesDir = join(tempDir('cmdx-files-'), 'shared');
    const migrated = await cmdx(['coordinator', 'migrate', '--from', lab.dataDir, '--files-dir', filesDir], { CMDX_DATABASE: url });
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
    console.log(`migrate of the test lab: ${Math.round(migrated.ms)} ms (process included)\n${migrated.stdout}`);
    const table = checks(migrated.stdout);
    for (const [name, [sqliteRows, postgresRows, sqliteMax, postgresMax, verdict]] of table) {
      assert.equal(verdict, 'ok', name);
      assert.equal(sqliteRows, postgresRows, name);
      assert.equal(sqliteMax, postgresMax, name);
    }
    assert.equal(table.get('workers')?.[0], '2');
    assert.ok(Number(table.get('jobs')?.[0]) > lab.jobIds.length, "the submitted jobs and the run's");
    assert.equal(table.get('job_log')?.[0], '40');
    assert.equal(table.get('users')?.[0], '1');
    assert.equal(table.get('templates')?.[0], '1');
    assert.ok(Number(table.get('audit')?.[0]) > 0, 'the audit rows came too');
    assert.match(migrated.stdout, new RegExp(`uploads: ${table.get('uploads')?.[0]} files`), 'one zip per upload row');
    assert.match(migrated.stdout, /artifacts: 1 files/);
    assert.match(migrated.stdout, /tokens\.json, the certificate and its key stay in/);
    for (const folder of ['uploads', 'artifacts']) assert.equal(statSync(join(filesDir, folder)).mode & 0o777, 0o700, folder);
    for (const name of readdirSync(join(filesDir, 'uploads'))) assert.equal(statSync(join(filesDir, 'uploads', name)).mode & 0o777, 0o600, name);
    assert.ok(existsSync(join(filesDir, 'artifacts', lab.done, 'artifacts.zip')));

    const c: TestCoordinator = await startTestCoordinator({ dataDir: lab.dataDir, database: url });
    try {
      assert.equal(c.context.store.db.engine, 'postgres');
      const workers = (await c.api('GET', '/api/workers/register')).body.workers;
      assert.deepEqual(workers.map((w: { workerId: string }) => w.workerId).sort(), ['pc-1', 'pc-2']);
      const done = (await c.api('GET', `/api/jobs/status?jobId=${lab.done}`)).body;
      assert.equal(done.status, 'completed');
      assert.equal(done.exitCode, 0);
      assert.match(done.stdout, /^line 0 x+\nline 1 /);
      assert.match(done.stderr, /^line 4 x+\nline 9 /);
      const log = (await c.api('GET', `/api/jobs/log?jobId=${lab.done}`)).body;
      assert.equal(log.chunks.length, 40);
      for (const jobId of lab.jobIds) assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).status, 200, jobId);
      assert.equal((await c.api('GET', `/api/runs/status?runId=${lab.runId}`)).status, 200);
      assert.equal((await c.api('GET', '/api/users/create')).body.users.length, 1);
      assert.equal((await c.api('GET', '/api/audit/verify')).body.ok, true, 'the audit chain goes on unbroken');

      // The identity sequence: a job made now takes the next id after the copied ones, not id 1 again.
      const sql = new pg.Client({ connectionString: url });
      await sql.connect();
      try {
        const before = Number((await sql.query('SELECT max(seq) AS m FROM jobs')).rows[0].m);
        const fresh = await c.api('POST', '/api/jobs/create', { body: { command: 'echo after', fileUrl: FILE, filename: 'p.zip' } });
        assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
        const seq = Number((await sql.query('SELECT seq FROM jobs WHERE job_id = $1', [fresh.body.jobId])).rows[0].seq);
        assert.ok(seq > before, `the new job's seq ${seq} comes after the copied ${before}`);
      } finally {
        await sql.end();
      }
    } finally {
      await c.close();
    }

    // Again into the same database: it holds data now, so refused, and nothing changes.
    const again = await cmdx(['coordinator', 'migrate', '--from', lab.dataDir, '--to', url]);
    assert.equal(again.code, 1, again.stdout + again.stderr);
    assert.match(again.stderr, /already holds CMD Executor data: .*jobs \(\d+ rows\)/);
    assert.doesNotMatch(again.stdout + again.stderr, new RegExp(PASSWORD));
  });

  it('without --files-dir says the files stay in the data dir; the password is masked in every line', async () => {
    const url = newDatabase();
    const migrated = await cmdx(['coordinator', 'migrate', '--from', lab.dataDir, '--to', url]);
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
    assert.match(migrated.stdout, /Files: the uploads and artifacts stay in .*copy them into the campus's shared files folder/);
    assert.match(migrated.stdout, /postgres:\/\/cmdx:\*\*\*@127\.0\.0\.1:\d+\/m\d+/);
    assert.doesNotMatch(migrated.stdout + migrated.stderr, new RegExp(PASSWORD));

    // A server that refuses: the error is printed, the password still not.
    const down = await cmdx(['coordinator', 'migrate', '--from', lab.dataDir, '--to', `postgres://cmdx:${PASSWORD}@127.0.0.1:1/none`]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /PostgreSQL at postgres:\/\/cmdx:\*\*\*@127\.0\.0\.1:1\/none could not be opened/);
    assert.doesNotMatch(down.stdout + down.stderr, new RegExp(PASSWORD));
  });

  it('a copy that fails in a late table leaves the database empty; a big log goes through in pieces', async () => {
    const dataDir = tempDir('cmdx-migrate-big-');
    for (const name of ['coordinator.db', 'coordinator.db-wal'])
      if (existsSync(join(lab.dataDir, name))) copyFileSync(join(lab.dataDir, name), join(dataDir, name));
    const file = new DatabaseSync(join(dataDir, 'coordinator.db'));
    const chunk = 'y'.repeat(512 * 1024);
    const insert = file.prepare("INSERT INTO job_log (job_seq, seq, stream, time, data) VALUES ((SELECT min(seq) FROM jobs), ?, 'stdout', 0, ?)");
    for (let seq = 1000; seq < 1040; seq++) insert.run(seq, chunk); // 20 MB of output, more than one batch's bytes
    // A value PostgreSQL's BIGINT refuses, in one of the last tables copied.
    file.prepare("INSERT INTO audit_targets (target, seq) VALUES ('job:x', 'not a number')").run();
    file.close();
    const url = newDatabase();
    const failed = await cmdx(['coordinator', 'migrate', '--from', dataDir, '--to', url]);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /copied job_log: 80 rows/, 'the log was copied before the failure');
    assert.match(failed.stderr, /The copy failed, so nothing was committed .*: invalid input syntax for type bigint/);
    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    try {
      for (const table of ['jobs', 'job_log', 'workers', 'audit'])
        assert.equal(Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n), 0, `${table} rolled back`);
      const fixed = new DatabaseSync(join(dataDir, 'coordinator.db'));
      fixed.prepare("DELETE FROM audit_targets WHERE target = 'job:x'").run();
      fixed.close();
      const migrated = await cmdx(['coordinator', 'migrate', '--from', dataDir, '--to', url]);
      assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
      console.log(`migrate with 20 MB of log: ${Math.round(migrated.ms)} ms (process included); ${/\d+ rows in [\d.]+ s/.exec(migrated.stdout)?.[0]}`);
      assert.equal(checks(migrated.stdout).get('job_log')?.[0], '80');
      const bytes = (await sql.query('SELECT sum(length(data)) AS n FROM job_log')).rows[0].n;
      const source = new DatabaseSync(join(dataDir, 'coordinator.db'), { readOnly: true });
      assert.equal(Number(bytes), Number(source.prepare('SELECT sum(length(data)) AS n FROM job_log').get()!.n), 'every character of the log');
      source.close();
    } finally {
      await sql.end();
    }
  });

  it('refuses while a coordinator runs on the data dir, and a data dir without a store', async () => {
    const running = await startTestCoordinator({ dataDir: tempDir('cmdx-running-') });
    try {
      const url = newDatabase();
      const refused = await cmdx(['coordinator', 'migrate', '--from', running.context.dataDir, '--to', url]);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /A coordinator is running on .*: stop it first/);
      const sql = new pg.Client({ connectionString: url });
      await sql.connect();
      try {
        const tables = await sql.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'");
        assert.equal(Number(tables.rows[0].n), 0, 'refused before the target was touched');
      } finally {
        await sql.end();
      }
    } finally {
      await running.close();
    }
    const empty = await cmdx(['coordinator', 'migrate', '--from', tempDir(), '--to', newDatabase()]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /holds no coordinator\.db/);
    const usage = await cmdx(['coordinator', 'migrate', '--from', lab.dataDir], { CMDX_DATABASE: '' });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Give --to postgres:\/\//);
  });
});
