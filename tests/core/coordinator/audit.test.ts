/**
 * The audit log: a row for each kind of change, in the change's own transaction; refusals recorded; the hash chain
 * checked by `cmdx audit verify` (the built CLI) that catches an edited row and a deleted one; retention that
 * prunes and leaves the chain verifiable from its checkpoint.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { CLI } from '../../helpers/processes.ts';
import { createUser, person, signIn, type SignedIn } from '../../helpers/people.ts';
import { pruneAudit } from '../../../electron/core/coordinator/audit/audit-retention.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

function cmdx(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CMDX_')));
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

onBothEngines('the audit log', (engine) => {
  let c: TestCoordinator;
  let maria: SignedIn;
  let env: Record<string, string>;
  const rows = async (query: string) => (await c.api('GET', `/api/audit?${query}`)).body.entries as any[];

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 3600 });
    env = { CMDX_SERVER: c.url, CMDX_TOKEN: c.tokens.adminToken, XDG_CONFIG_HOME: tempDir('cmdx-config-') };
    maria = await person(c, 'maria', 'teacher');
    await c.register('pc-1', { tags: ['room-b'] });
  });
  after(() => c.close());

  it('records each kind of change: who, role, when, from where, what, the target and the outcome', async () => {
    const post = async (path: string, body: unknown, who: SignedIn | null = maria) => {
      const res = who ? await who.api('POST', path, { body }) : await c.api('POST', path, { body });
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const job = await post('/api/jobs/create', { command: 'echo hi', fileUrl: ZIP_URL, filename: 'x.zip' });
    const run = await post('/api/runs/create', { commands: 'echo hi', fileUrl: ZIP_URL, filename: 'x.zip', mode: 'each' });
    const template = await post('/api/templates/create', { name: 'nightly', commands: 'echo night' });
    await post('/api/schedules/create', { templateId: template.template.templateId, cron: '0 22 * * 1-5', timezone: 'UTC' });
    await post('/api/workers/power', { workerIds: ['pc-1'], action: 'reboot', delaySeconds: 60 });
    await post('/api/workers/policy', { when: 'always' }, null);
    await c.api('POST', '/api/workers/wake', { body: { workerIds: ['pc-1'] } });
    await post('/api/workers/revoke', { workerId: 'pc-1' }, null);
    const key = createHash('sha256').update('secret').digest('hex');
    const asked = await c.api('POST', '/api/workers/join-requests', { token: null, body: { workerId: 'pc-2', hostname: 'h2', key } });
    await post('/api/workers/join-requests/approve', { requestIds: [asked.body.requestId] }, null);
    const made = await post('/api/tokens/create', { name: 'cli', expiresInDays: 5 });
    await c.api('POST', '/api/jobs/cancel', { token: made.token, body: { jobId: job.jobId } });

    const all = await rows('limit=200');
    const find = (action: string) => all.find((r) => r.action === action && r.outcome === 'ok');
    for (const action of [
      'session.login',
      'users.create',
      'jobs.create',
      'runs.create',
      'templates.create',
      'schedules.create',
      'workers.power',
      'workers.policy',
      'workers.wake',
      'workers.revoke',
      'workers.join-requests.approve',
      'tokens.create',
      'jobs.cancel',
    ]) {
      assert.ok(find(action), `a row for ${action} in ${JSON.stringify(all.map((r) => r.action))}`);
    }
    const created = find('jobs.create');
    assert.equal(created.actor, 'maria');
    assert.equal(created.role, 'teacher');
    assert.equal(created.via, 'password');
    assert.equal(created.address, '127.0.0.1');
    assert.deepEqual(created.targets, [`job:${job.jobId}`]);
    assert.ok(Math.abs(Date.parse(created.at) - Date.now()) < 60_000);
    assert.ok(find('runs.create').targets.includes(`run:${run.runId}`));
    assert.equal(find('workers.revoke').actor, 'owner (admin token)');
    const byToken = find('jobs.cancel');
    assert.equal(byToken.via, 'token', 'a personal token used for a write is named');
    assert.equal(byToken.actor, 'maria');
    assert.equal(find('users.create').targets[0].startsWith('user:'), true);
    // The job's own history, as its page shows it.
    const history = await maria.api('GET', `/api/audit/history?target=job:${job.jobId}`);
    assert.deepEqual(
      history.body.entries.map((e: any) => e.action),
      ['jobs.cancel', 'jobs.create'],
    );
  });

  it('records refusals: a wrong password, a role refused, a missing anti-CSRF value', async () => {
    await c.api('POST', '/api/session/login', { token: null, body: { name: 'maria', password: 'not-her-password' } });
    const assistant = await person(c, 'ana', 'assistant');
    assert.equal((await assistant.api('POST', '/api/jobs/cancel', { body: { jobId: 'job-x' } })).status, 403);
    assert.equal((await maria.api('POST', '/api/templates/delete', { body: { templateId: 't' }, csrf: false })).status, 403);
    const refused = (await rows('limit=50')).filter((r) => r.outcome === 'refused');
    assert.ok(refused.some((r) => r.action === 'session.login' && r.actor === 'maria' && r.reason === 'invalid_credentials'));
    // Refused before its body was read (a role refused is never parsed): the row names the action, not the job.
    assert.ok(refused.some((r) => r.action === 'jobs.cancel' && r.actor === 'ana' && r.role === 'assistant' && r.reason === 'role_required'));
    assert.ok(refused.some((r) => r.action === 'templates.delete' && r.actor === 'maria' && r.reason === 'csrf_failed'));
  });

  it('writes the row in the change’s transaction: when the row cannot be written, the change is undone', async () => {
    const before = (await c.api('GET', '/api/jobs/create?limit=500')).body.jobs.length;
    const db = c.context.store.db;
    if (engine.name === 'sqlite') db.prepare("CREATE TRIGGER audit_refuses BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no audit'); END").run();
    else {
      db.prepare("CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''no audit''; END'").run();
      db.prepare('CREATE TRIGGER audit_refuses BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit()').run();
    }
    try {
      const res = await c.api('POST', '/api/jobs/create', { body: { command: 'echo lost', fileUrl: ZIP_URL, filename: 'x.zip' } });
      assert.equal(res.status, 500);
    } finally {
      db.prepare(engine.name === 'sqlite' ? 'DROP TRIGGER audit_refuses' : 'DROP TRIGGER audit_refuses ON audit').run();
    }
    assert.equal((await c.api('GET', '/api/jobs/create?limit=500')).body.jobs.length, before, 'no job without its audit row');
  });

  it('pages, filters and exports CSV (admin only), with formula-looking cells made inert', async () => {
    await c.api('POST', '/api/session/login', { token: null, body: { name: '=HYPERLINK("x")', password: 'whatever1' } });
    const mine = await rows('actor=maria&action=jobs.');
    assert.ok(mine.length >= 2 && mine.every((r) => r.actor === 'maria' && r.action.startsWith('jobs.')));
    const page = await c.api('GET', '/api/audit?limit=3');
    assert.equal(page.body.entries.length, 3);
    const next = await c.api('GET', `/api/audit?limit=3&before=${page.body.nextBefore}`);
    assert.ok(next.body.entries[0].seq < page.body.entries[2].seq);
    const csv = await c.api('GET', '/api/audit?format=csv');
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.match(csv.body as string, /"'=HYPERLINK/);
    assert.equal((await maria.api('GET', '/api/audit')).status, 403);
  });

  it('`cmdx audit verify` passes an intact log and catches an edited row and a deleted row', async () => {
    const ok = await cmdx(['audit', 'verify'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /The audit log is intact: \d+ rows checked/);
    assert.match(ok.stdout, /Head: row \d+, SHA-256 [0-9a-f]{64}/);
    const db = c.context.store.db;
    const victim = db.prepare("SELECT seq, actor FROM audit WHERE action = 'jobs.create' LIMIT 1").get() as { seq: number; actor: string };
    db.prepare("UPDATE audit SET actor = 'someone-else' WHERE seq = ?").run(victim.seq);
    const edited = await cmdx(['audit', 'verify'], env);
    assert.equal(edited.code, 1);
    assert.match(edited.stderr, new RegExp(`BROKEN at row ${victim.seq}: row ${victim.seq} was edited`));
    db.prepare('UPDATE audit SET actor = ? WHERE seq = ?').run(victim.actor, victim.seq);
    assert.equal((await cmdx(['audit', 'verify'], env)).code, 0, 'put back, it verifies again');
    const gone = victim.seq + 2;
    const saved = db.prepare('SELECT * FROM audit WHERE seq = ?').get(gone) as Record<string, any>;
    db.prepare('DELETE FROM audit WHERE seq = ?').run(gone);
    const deleted = await cmdx(['audit', 'verify'], env);
    assert.equal(deleted.code, 1);
    assert.match(deleted.stderr, new RegExp(`row ${gone} is missing`));
    const cols = Object.keys(saved);
    db.prepare(`INSERT INTO audit (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((k) => saved[k]));
    // The newest row removed: the head the chain recorded is missing.
    const head = db.prepare('SELECT max(seq) AS seq FROM audit').get() as { seq: number };
    db.prepare('DELETE FROM audit WHERE seq = ?').run(head.seq);
    const tail = await cmdx(['audit', 'verify', '--json'], env);
    assert.equal(tail.code, 1);
    assert.match(JSON.parse(tail.stdout).problem, /rows at the end were removed/);
  });

  it('prunes rows past retention and still verifies from the checkpoint it leaves', async () => {
    const fresh = await startTestCoordinator();
    try {
      const { password } = await createUser(fresh, 'old', 'teacher');
      await signIn(fresh, 'old', password);
      const count = fresh.context.store.audit.count();
      const removed = pruneAudit(fresh.context.store, 365, Date.now() + 400 * 86_400_000);
      assert.equal(removed, count);
      const verdict = (await fresh.api('GET', '/api/audit/verify')).body;
      assert.equal(verdict.ok, true, verdict.problem);
      assert.equal(verdict.anchorSeq, count);
      assert.equal(verdict.rows, fresh.context.store.audit.count());
      const prune = (await fresh.api('GET', '/api/audit?action=audit.prune')).body.entries[0];
      assert.match(prune.detail, new RegExp(`${count} rows older than 365 days removed`));
      // The first row after the checkpoint is still bound to it.
      fresh.context.store.db.prepare("UPDATE audit SET detail = 'rewritten' WHERE action = 'audit.prune'").run();
      assert.equal((await fresh.api('GET', '/api/audit/verify')).body.ok, false);
    } finally {
      await fresh.close();
    }
  });
});

/** A zip by URL: jobs that never run here need no upload. */
const ZIP_URL = 'http://127.0.0.1:9/x.zip';
