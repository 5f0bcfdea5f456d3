import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';

describe('bad input never crashes the coordinator nor answers 500', () => {
  let c: TestCoordinator;
  before(async () => {
    c = await startTestCoordinator();
  });
  after(() => c.close());

  const endpoints: [string, string][] = [
    ['POST', '/api/workers/register'],
    ['POST', '/api/workers/heartbeat'],
    ['POST', '/api/jobs/create'],
    ['POST', '/api/jobs/submit-result'],
    ['PUT', '/api/jobs/submit-result'],
    ['POST', '/api/jobs/cancel'],
    ['POST', '/api/jobs/logs'],
  ];

  it('answers 400 JSON without a stack trace for malformed JSON', async () => {
    for (const [method, path] of endpoints) {
      const res = await c.api(method, path, { rawBody: '{"workerId": "w1",', headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400, path);
      assert.equal(res.body.statusCode, 400);
      assert.match(res.body.error, /not valid JSON/);
      assert.doesNotMatch(JSON.stringify(res.body), /at .*\.ts:\d+|node_modules/);
    }
  });

  it('answers 400 for arrays, strings, numbers and odd content types instead of objects', async () => {
    for (const [method, path] of endpoints) {
      for (const raw of ['[1,2]', '"text"', '42', 'null']) {
        const res = await c.api(method, path, { rawBody: raw, headers: { 'content-type': 'application/json' } });
        assert.equal(res.status, 400, `${path} ${raw}`);
      }
      const text = await c.api(method, path, { rawBody: 'workerId=w1', headers: { 'content-type': 'text/plain' } });
      assert.equal(text.status, 400, `${path} text/plain`);
    }
  });

  it('answers 413 for oversized JSON bodies', async () => {
    const huge = JSON.stringify({ workerId: 'w1', hostname: 'x'.repeat(200_000) });
    const res = await c.api('POST', '/api/workers/register', { rawBody: huge, token: c.tokens.joinToken, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 413);
    assert.equal(res.body.statusCode, 413);
  });

  it('answers 400 for wrong types, huge strings and unicode ids', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/workers/register', { workerId: 12, hostname: 'h' }],
      ['POST', '/api/workers/register', { workerId: 'w', hostname: 'h'.repeat(1000) }],
      ['POST', '/api/workers/register', { workerId: 'wörker-☃', hostname: 'h' }],
      ['POST', '/api/jobs/create', { command: ['ls'], fileUrl: 'http://x.invalid/a.zip', filename: 'a' }],
      ['POST', '/api/jobs/create', { command: 'ls', fileUrl: 'http://x.invalid/a.zip', filename: 'a', timeoutSeconds: -5 }],
      ['POST', '/api/jobs/create', { command: 'ls', fileUrl: 'http://x.invalid/a.zip', filename: 'a', maxAttempts: 1.5 }],
      ['POST', '/api/jobs/submit-result', { jobId: 'j', workerId: 'w', exitCode: 'zero' }],
      ['POST', '/api/jobs/logs', { jobId: 'j', workerId: 'w', chunks: [{ stream: 'stdin', seq: 0, data: '' }] }],
    ];
    for (const [method, path, body] of cases) {
      const token = path.endsWith('register') ? c.tokens.joinToken : c.tokens.adminToken;
      const res = await c.api(method, path, { body, token });
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(res.body)}`);
    }
  });

  it('refuses a hostname, os or version holding control characters or bidi overrides at register, and a worker name the same', async () => {
    for (const hostname of ['pc07\x1b]52;c;eA==\x07', 'pc\u009b2J', 'pc\r\n07', 'evil\u202egnp', 'pc\x00']) {
      const res = await c.api('POST', '/api/workers/register', { body: { workerId: 'w-ctl', hostname }, token: c.tokens.joinToken });
      assert.equal(res.status, 400, JSON.stringify(hostname));
      assert.match(res.body.error, /hostname.*printable text/);
    }
    const os = await c.api('POST', '/api/workers/register', { body: { workerId: 'w-ctl', hostname: 'pc', os: 'linux\x1b[2J' }, token: c.tokens.joinToken });
    assert.equal(os.status, 400);
    const ok = await c.api('POST', '/api/workers/register', { body: { workerId: 'w-ctl', hostname: 'PC-07 Salle B (été)' }, token: c.tokens.joinToken });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const rename = await c.api('POST', '/api/workers/rename', { body: { workerId: 'w-ctl', name: 'front\x1b]0;x\x07' } });
    assert.equal(rename.status, 400, JSON.stringify(rename.body));
  });

  it('answers 404 JSON for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['DELETE', '/api/jobs/create'],
      ['GET', '/api/jobs/get-job/extra'],
      ['PATCH', '/api/workers/register'],
    ]) {
      const res = await c.api(method!, path!);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.statusCode, 404);
    }
  });

  it('refuses malformed Authorization headers with 401', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b c', `Bearer ${'x'.repeat(600)}`]) {
      const res = await c.api('GET', '/api/workers/register', { token: null, headers: { authorization: header } });
      assert.equal(res.status, 401, header.slice(0, 20));
    }
  });

  it('is still healthy after all of that', async () => {
    const res = await c.api('GET', '/api/workers/register');
    assert.equal(res.status, 200);
  });
});
