/**
 * The two engines under the store: the same transaction rules on both, PostgreSQL's schema the same as SQLite's,
 * SQLite's SQL in PostgreSQL's words, and a coordinator that says "unavailable" while PostgreSQL is down and
 * carries on when it is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from '../../../electron/core/coordinator/state/migrations.ts';
import { toPostgres } from '../../../electron/core/coordinator/state/postgres/pg-dialect.ts';
import { PostgresDatabase, WRITER_LOCK } from '../../../electron/core/coordinator/state/postgres/pg-database.ts';
import pgClient from 'pg';
import { startTestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';
import { startPostgres, type PostgresCluster } from '../../helpers/postgres.ts';

const JOB = { command: 'echo hi', fileUrl: 'https://x.invalid/p.zip', filename: 'p.zip' };

onBothEngines("the store's engine", (engine) => {
  it('is at the newest schema version', () => {
    const store = engine.open();
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    store.close();
  });

  it('undoes a transaction that throws, and a nested one only its own part', () => {
    const store = engine.open();
    const count = () => Number(store.db.prepare('SELECT COUNT(*) AS n FROM uploads').get()!.n);
    const add = (name: string) => store.uploads.record(name, 'a'.repeat(64), 1);
    assert.throws(() =>
      store.db.transaction(() => {
        add('one.zip');
        throw new Error('no');
      }),
    );
    assert.equal(count(), 0);
    store.db.transaction(() => {
      add('kept.zip');
      assert.throws(() =>
        store.db.transaction(() => {
          add('undone.zip');
          throw new Error('inner');
        }),
      );
    });
    assert.deepEqual(
      store.db
        .prepare('SELECT name FROM uploads ORDER BY name')
        .all()
        .map((r) => r.name),
      ['kept.zip'],
    );
    store.close();
  });

  it('compares names without case, as SQLite does', () => {
    const store = engine.open();
    store.workers.upsert({ workerId: 'w1', hostname: 'LAB-PC-07' }, null, 1);
    assert.deepEqual(
      store.workers.withHostname('lab-pc-07').map((w) => w.workerId),
      ['w1'],
    );
    store.close();
  });
});

describe("PostgreSQL's schema", () => {
  let pg: PostgresCluster;
  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.stop());

  it('has every table and column of SQLite’s', async () => {
    const sqlite = new DatabaseSync(':memory:');
    for (const migration of MIGRATIONS) sqlite.exec(migration);
    const want = sqlite
      .prepare("SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'")
      .all()
      .map((r) => `${String(r.t)}.${String(r.c)}`)
      .sort();
    sqlite.close();
    const c = await startTestCoordinator({ database: pg.url, auth: false });
    try {
      const have = c.context.store.db
        .prepare("SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name != 'cmdx_schema'")
        .all()
        .map((r) => `${String(r.t)}.${String(r.c)}`)
        .sort();
      assert.deepEqual(have, want);
    } finally {
      await c.close();
    }
  });

  it('needs no superuser: a role that owns its database makes the schema (the set-up docs/operations.md shows)', () => {
    const admin = new PostgresDatabase(pg.url);
    try {
      admin.prepare('CREATE ROLE campus_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE').run();
      admin.prepare('CREATE DATABASE campus OWNER campus_owner').run();
    } finally {
      admin.close();
    }
    const url = pg.url.replace('//cmdx@', '//campus_owner@').replace(/\/cmdx$/, '/campus');
    const db = new PostgresDatabase(url);
    try {
      assert.equal(db.schemaVersion, MIGRATIONS.length);
      assert.equal(Number(db.prepare("SELECT COUNT(*) AS n FROM pg_extension WHERE extname = 'citext'").get()!.n), 1);
    } finally {
      db.close();
    }
  });

  it('answers 503 rather than hang while another session holds the writers’ lock (a frozen coordinator)', async () => {
    const c = await startTestCoordinator({ database: pg.createDatabase('frozen'), auth: false });
    try {
      // A transaction that takes the lock and never ends, as a coordinator stopped inside one would.
      const release = holdWritersLock(pg.url.replace(/\/cmdx$/, '/frozen'));
      await release.held;
      const started = performance.now();
      const res = await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: 'https://x.invalid/p.zip', filename: 'p.zip' } });
      const waitedMs = performance.now() - started;
      await release.end();
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.equal(res.body.reason, 'unavailable');
      assert.ok(waitedMs < 12_000, `gave up after the lock timeout (5 s), not hung (${Math.round(waitedMs)} ms)`);
      // Once the holder is gone, writes go through again (within the moment it is not asked again).
      await waitFor('writes accepted again', async () => (await c.api('POST', '/api/jobs/create', { body: JOB })).status === 200 || undefined, 10_000, 250);
    } finally {
      await c.close();
    }
  });

  it('keeps what it acknowledged through a crash of PostgreSQL, answers 503 "unavailable" while it is down, and serves again when it is back', async () => {
    const url = pg.createDatabase('outage');
    const c = await startTestCoordinator({ database: url, auth: false });
    try {
      const kept = await c.api('POST', '/api/jobs/create', { body: { command: 'echo kept', fileUrl: 'https://x.invalid/p.zip', filename: 'p.zip' } });
      assert.equal(kept.status, 200);
      pg.pause(); // as if the server crashed: what was acknowledged must be on its disk
      const down = await c.api('POST', '/api/jobs/create', { body: { command: 'echo hi', fileUrl: 'https://x.invalid/p.zip', filename: 'p.zip' } });
      pg.resume();
      assert.equal(down.status, 503, JSON.stringify(down.body));
      assert.equal(down.body.reason, 'unavailable');
      assert.match(down.body.error, /cannot reach its database \(PostgreSQL\)/);
      await waitFor('writes accepted again', async () => (await c.api('POST', '/api/jobs/create', { body: JOB })).status === 200 || undefined, 10_000, 250);
      assert.equal((await c.api('GET', `/api/jobs/status?jobId=${kept.body.jobId}`)).body.status, 'pending', 'the acknowledged job survived the crash');
    } finally {
      await c.close();
    }
  });
});

/** Another session holds the writers' advisory lock in an open transaction until end(). */
function holdWritersLock(url: string): { held: Promise<void>; end(): Promise<void> } {
  const client = new pgClient.Client({ connectionString: url });
  const held = client.connect().then(async () => {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [WRITER_LOCK]);
  });
  return { held, end: () => client.end() };
}

describe("SQLite's SQL in PostgreSQL's words", () => {
  const pgText = (sql: string) => toPostgres(sql).text;

  it('numbers parameters, keeps ?NNN and names, and leaves literals alone', () => {
    assert.equal(pgText("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?"), "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2");
    assert.equal(pgText('SELECT ?1, ?2, ?1'), 'SELECT $1, $2, $1');
    assert.deepEqual(toPostgres('VALUES ($id, $name, $id)'), { text: 'VALUES ($1, $2, $1)', names: ['id', 'name'] });
    assert.throws(() => toPostgres('VALUES (?, $id)'), /mixes \? and \$name/);
  });

  it('rewrites NOCASE, LIKE, IS NOT ?, two-argument max and JSON arrays', () => {
    assert.equal(pgText('SELECT * FROM w WHERE hostname = ? COLLATE NOCASE'), 'SELECT * FROM w WHERE lower(hostname) = lower($1)');
    assert.equal(pgText('ORDER BY COALESCE(a, b) COLLATE NOCASE, id'), 'ORDER BY lower(COALESCE(a, b)), id');
    assert.equal(pgText("WHERE a LIKE ? ESCAPE '\\'"), "WHERE a ILIKE $1 ESCAPE '\\'");
    assert.equal(pgText('WHERE s IS NOT ?'), 'WHERE s IS DISTINCT FROM $1');
    assert.equal(pgText('SET x = max(x, ?)'), 'SET x = GREATEST(x, $1)');
    assert.equal(pgText('SELECT max(seq) FROM t'), 'SELECT max(seq) FROM t');
    assert.equal(
      pgText('SELECT 1 FROM w, json_each(w.tags) t WHERE t.value IN (SELECT value FROM json_each(?))'),
      'SELECT 1 FROM w, json_array_elements_text((w.tags)::json) AS t(value) WHERE t.value IN (SELECT value FROM json_array_elements_text(($1)::json) AS je(value))',
    );
    assert.equal(pgText("json_each(j.target, '$.tags') tt"), "json_array_elements_text((j.target)::json -> 'tags') AS tt(value)");
  });
});
