import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { buildZip, uploadForm } from '../../helpers/zip.ts';
import { FailedAuthLimiter, loadOrCreateTokens } from '../../../electron/core/coordinator/http/auth.ts';

type Role = 'none' | 'wrong' | 'admin' | 'join' | 'worker' | 'otherWorker';

describe('auth: tokens on by default, each role against each endpoint', () => {
  let c: TestCoordinator;
  let tokens: Record<Role, string | null>;
  let jobId: string;
  let fileUrl: string;

  before(async () => {
    c = await startTestCoordinator();
    const w1 = await c.register('w1');
    const w2 = await c.register('w2');
    tokens = { none: null, wrong: 'cmdx_a_not-the-right-token-at-all', admin: c.tokens.adminToken, join: c.tokens.joinToken, worker: w1, otherWorker: w2 };
    const form = uploadForm(await buildZip([{ name: 'a.txt', content: 'a' }]), { commands: 'cat a.txt', mode: 'distributed' });
    const res = await fetch(`${c.url}/api/execute`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    const body = (await res.json()) as any;
    jobId = body.jobId;
    fileUrl = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.fileUrl;
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w1', { token: w1 });
    assert.equal(got.status, 200);
  });
  after(() => c.close());

  let fresh = 0;
  // Expected status per role; requests are chosen so that the allowed roles get a non-auth answer.
  const cases: { name: string; call: () => [string, string, unknown?]; expect: Record<Role, number> }[] = [
    {
      name: 'register',
      // A fresh id each time: the join token may only create workers, never take over an existing one.
      call: () => ['POST', '/api/workers/register', { workerId: `w9-${++fresh}`, hostname: 'h' }],
      expect: { none: 401, wrong: 401, admin: 200, join: 200, worker: 403, otherWorker: 403 },
    },
    {
      name: 'list workers',
      call: () => ['GET', '/api/workers/register'],
      expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 403, otherWorker: 403 },
    },
    {
      name: 'heartbeat',
      call: () => ['POST', '/api/workers/heartbeat', { workerId: 'w1', jobId }],
      expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 200, otherWorker: 403 },
    },
    {
      name: 'create job',
      call: () => ['POST', '/api/jobs/create', { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' }],
      expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 403, otherWorker: 403 },
    },
    {
      name: 'list jobs',
      call: () => ['GET', '/api/jobs/create?limit=1'],
      expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 403, otherWorker: 403 },
    },
    {
      name: 'get-job',
      call: () => ['GET', '/api/jobs/get-job?workerId=w1'],
      expect: { none: 401, wrong: 401, admin: 202, join: 403, worker: 202, otherWorker: 403 },
    },
    {
      name: 'status',
      call: () => ['GET', `/api/jobs/status?jobId=${jobId}`],
      expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 403, otherWorker: 403 },
    },
    {
      name: 'logs',
      call: () => ['POST', '/api/jobs/logs', { jobId, workerId: 'w1', chunks: [] }],
      expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 200, otherWorker: 403 },
    },
    {
      name: 'cancel',
      call: () => ['POST', '/api/jobs/cancel', { jobId: 'job-1-none' }],
      expect: { none: 401, wrong: 401, admin: 404, join: 403, worker: 403, otherWorker: 403 },
    },
    {
      name: 'submit-result (other job id)',
      call: () => ['POST', '/api/jobs/submit-result', { jobId: 'job-1-none', workerId: 'w1', exitCode: 0 }],
      expect: { none: 401, wrong: 401, admin: 404, join: 403, worker: 404, otherWorker: 403 },
    },
    {
      name: 'report failure (other job id)',
      call: () => ['PUT', '/api/jobs/submit-result', { jobId: 'job-1-none', workerId: 'w1' }],
      expect: { none: 401, wrong: 401, admin: 404, join: 403, worker: 404, otherWorker: 403 },
    },
    { name: 'download the zip', call: () => ['GET', fileUrl], expect: { none: 401, wrong: 401, admin: 200, join: 403, worker: 200, otherWorker: 403 } },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}: ${Object.entries(testCase.expect)
      .map(([r, s]) => `${r} ${s}`)
      .join(', ')}`, async () => {
      for (const role of Object.keys(testCase.expect) as Role[]) {
        const [method, path, body] = testCase.call();
        const res = await c.api(method, path, { token: tokens[role], body });
        assert.equal(res.status, testCase.expect[role], `${role} on ${testCase.name}: ${JSON.stringify(res.body).slice(0, 200)}`);
        if (res.status === 401 || res.status === 403) {
          assert.equal(res.body.statusCode, res.status);
          assert.equal(typeof res.body.error, 'string');
        }
      }
    });
  }

  it('the /api/execute upload needs the admin token', async () => {
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    for (const [role, expected] of [
      ['join', 403],
      ['worker', 403],
      ['none', 401],
    ] as const) {
      const headers: Record<string, string> = tokens[role] ? { authorization: `Bearer ${tokens[role]}` } : {};
      const res = await fetch(`${c.url}/api/execute`, { method: 'POST', body: uploadForm(zip, { commands: 'true', mode: 'distributed' }), headers });
      assert.equal(res.status, expected, role);
    }
  });

  it('a worker token registers a fresh worker id only through the join token, and register returns a worker token', async () => {
    const res = await c.api('POST', '/api/workers/register', { token: c.tokens.joinToken, body: { workerId: 'w-new', hostname: 'h' } });
    assert.match(res.body.workerToken, /^cmdx_w_/);
    const beat = await c.api('POST', '/api/workers/heartbeat', { token: res.body.workerToken, body: { workerId: 'w-new' } });
    assert.equal(beat.status, 200);
  });

  it('the health check needs no token and says auth is on', async () => {
    const res = await c.api('GET', '/api/health', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.auth, true);
  });
});

describe('auth: tokens are kept safely', () => {
  it('generates tokens once, keeps them in tokens.json with mode 0600, and reuses them', () => {
    const dir = tempDir();
    const first = loadOrCreateTokens(dir);
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    assert.notEqual(first.adminToken, first.joinToken);
    const second = loadOrCreateTokens(dir);
    assert.equal(second.adminToken, first.adminToken);
    assert.equal(second.joinToken, first.joinToken);
  });

  it('refuses a given token that is too short to be safe', () => {
    assert.throws(() => loadOrCreateTokens(tempDir(), { adminToken: 'secret' }), /at least 16/);
  });
});

describe('auth: wrong tokens are rate limited per address', () => {
  it('answers 429 with Retry-After after too many wrong tokens, while valid tokens (old or new) carry on', async () => {
    const c = await startTestCoordinator();
    try {
      const admin = await c.api('GET', '/api/workers/register');
      assert.equal(admin.status, 200);
      let last = 0;
      for (let i = 0; i < 25; i++) last = (await c.api('GET', '/api/workers/register', { token: `cmdx_a_guess-${i}-xxxxxxxxxxxxxxxx` })).status;
      assert.equal(last, 429);
      const limited = await c.api('GET', '/api/workers/register', { token: 'cmdx_a_guess-again-xxxxxxxxxxxxxxxx' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const stillAdmin = await c.api('GET', '/api/workers/register');
      assert.equal(stillAdmin.status, 200, 'authenticated traffic is never slowed');
      const join = await c.api('POST', '/api/workers/register', { token: c.tokens.joinToken, body: { workerId: 'late', hostname: 'h' } });
      // Guesses are limited, not success: a new worker or the admin's first login behind a student's NAT still works.
      assert.equal(join.status, 200, 'a valid token this address never used before works while guesses are blocked');
    } finally {
      await c.close();
    }
  });

  it('forgets failures after the window', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter({ maxFailures: 2, windowMs: 1000, now: () => now });
    limiter.recordFailure('1.2.3.4');
    limiter.recordFailure('1.2.3.4');
    assert.equal(limiter.retryAfter('1.2.3.4'), 1);
    now = 1001;
    assert.equal(limiter.retryAfter('1.2.3.4'), 0);
  });
});
