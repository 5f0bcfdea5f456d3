/**
 * Property-based fuzzing of every endpoint against a real coordinator: random and adversarial
 * requests (wrong types, missing and extra fields, huge strings, unicode, odd content types, wrong
 * tokens, other workers' ids). Invariants: never a 5xx, the process keeps answering, a refused
 * request changes nothing, and no job ever makes an illegal transition.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { canTransition, type JobStatus } from '../../shared/job-status.ts';
import { startTestCoordinator, type TestCoordinator } from '../helpers/coordinator.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

interface World {
  c: TestCoordinator;
  tokens: Record<string, string | null>;
  jobIds: string[];
}

/** Everything a refused request must leave untouched (heartbeat times included). */
async function snapshot(c: TestCoordinator): Promise<string> {
  const jobs = (await c.api('GET', '/api/jobs/create')).body.jobs;
  const workers = (await c.api('GET', '/api/workers/register')).body.workers;
  return JSON.stringify({ jobs, workers });
}

const junk = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '%00', '\u0000', '𝕏'.repeat(10), 'x'.repeat(70_000), 'job-1-abc', '<script>', 'null'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function fieldOr(world: World, name: string): fc.Arbitrary<unknown> {
  const known: Record<string, fc.Arbitrary<unknown>> = {
    workerId: fc.constantFrom('fz-w1', 'fz-w2', 'fz-new', 'ghost'),
    jobId: world.jobIds.length ? fc.constantFrom(...world.jobIds, 'job-1-none') : fc.constant('job-1-none'),
    hostname: fc.constantFrom('pc-1', 'lab'),
    command: fc.constantFrom('echo hi', 'true'),
    fileUrl: fc.constantFrom('http://files.invalid/p.zip', '/uploads/upload-1-ab.zip', 'file:///etc/passwd', 'javascript:alert(1)'),
    filename: fc.constantFrom('p.zip', '../p.zip'),
    exitCode: fc.constantFrom(0, 1, 255, -1, 2 ** 40),
    errorMessage: fc.constantFrom('boom', 'x'.repeat(5000)),
    chunks: fc.constantFrom(
      [],
      [{ stream: 'stdout', seq: 0, data: 'x' }],
      [{ stream: 'stdin', seq: 0, data: 'x' }],
      [{ stream: 'stdout', seq: -1, data: 'x' }],
    ),
    timeoutSeconds: fc.constantFrom(1, 0, -5, 1e12),
    maxAttempts: fc.constantFrom(1, 3, 99),
    paused: fc.boolean(),
    restarted: fc.constant(false),
  };
  return fc.oneof(known[name] ?? junk, junk);
}

function bodyFor(world: World, fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const entries = fields.map((f) => fc.option(fieldOr(world, f), { nil: undefined }).map((v) => [f, v] as const));
  return fc.tuple(fc.tuple(...entries), fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 })).map(([pairs, extra]) => {
    const body: Record<string, unknown> = { ...extra };
    for (const [k, v] of pairs) if (v !== undefined) body[k] = v;
    return body;
  });
}

const ENDPOINTS: { method: string; path: string; fields: string[] }[] = [
  { method: 'POST', path: '/api/workers/register', fields: ['workerId', 'hostname', 'os', 'cpuCount', 'version'] },
  { method: 'POST', path: '/api/workers/heartbeat', fields: ['workerId', 'jobId', 'paused', 'restarted'] },
  { method: 'GET', path: '/api/workers/register', fields: [] },
  { method: 'POST', path: '/api/jobs/create', fields: ['command', 'fileUrl', 'filename', 'timeoutSeconds', 'maxAttempts'] },
  { method: 'GET', path: '/api/jobs/create', fields: [] },
  { method: 'GET', path: '/api/jobs/get-job', fields: [] },
  { method: 'GET', path: '/api/jobs/status', fields: [] },
  { method: 'POST', path: '/api/jobs/submit-result', fields: ['jobId', 'workerId', 'stdout', 'stderr', 'exitCode'] },
  { method: 'PUT', path: '/api/jobs/submit-result', fields: ['jobId', 'workerId', 'errorMessage'] },
  { method: 'POST', path: '/api/jobs/cancel', fields: ['jobId'] },
  { method: 'POST', path: '/api/jobs/logs', fields: ['jobId', 'workerId', 'chunks'] },
  { method: 'POST', path: '/api/execute', fields: ['commands', 'mode'] },
  { method: 'GET', path: '/uploads/upload-1-ab.zip', fields: [] },
  { method: 'DELETE', path: '/api/jobs/create', fields: [] },
];

function requestArb(world: World) {
  return fc.constantFrom(...ENDPOINTS).chain((ep) =>
    fc.record({
      ep: fc.constant(ep),
      body: bodyFor(world, ep.fields),
      query: fc.dictionary(
        fc.constantFrom('workerId', 'jobId', 'wait', 'status', 'limit', 'before'),
        fc.oneof(fc.constantFrom('fz-w1', 'fz-w2', 'ghost', '0', '1', '-1', 'running', 'x'), fc.string({ maxLength: 10 })),
        { maxKeys: 3 },
      ),
      token: fc.constantFrom('admin', 'join', 'w1', 'w2', 'wrong', 'none'),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
      ),
      // A broken raw body one time in four (fc.option's freq is the odds of nil, so it would be three in four).
      raw: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('{', '[]', '"x"', '{"a":', '\u0000', 'null', '{"workerId":'.padEnd(2000, '9')) },
      ),
    }),
  );
}

describe('API fuzzing (fast-check)', () => {
  const world = {} as World;
  const seen = new Map<string, JobStatus[]>();

  before(async () => {
    world.c = await startTestCoordinator({ offlineAfterSeconds: 3600 });
    const w1 = await world.c.register('fz-w1');
    const w2 = await world.c.register('fz-w2');
    world.tokens = { admin: world.c.tokens.adminToken, join: world.c.tokens.joinToken, w1, w2, wrong: 'cmdx_a_definitely-not-right-000000', none: null };
    world.jobIds = [];
    for (let i = 0; i < 4; i++) {
      const res = await world.c.api('POST', '/api/jobs/create', {
        body: { command: `echo ${i}`, fileUrl: 'http://files.invalid/p.zip', filename: 'p.zip', maxAttempts: 2 },
      });
      world.jobIds.push(res.body.jobId);
    }
    await world.c.api('GET', '/api/jobs/get-job?workerId=fz-w1', { token: w1 });
  });
  after(() => world.c.close());

  it(`survives ${RUNS} random requests: no 5xx, refused requests change nothing, only legal transitions`, async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(world), async (r) => {
        const query = new URLSearchParams(r.query).toString();
        const path = r.ep.path + (query ? `?${query}` : '');
        const before = await snapshot(world.c);
        const res = await world.c.api(r.ep.method, path, {
          token: world.tokens[r.token],
          rawBody: r.ep.method === 'GET' ? undefined : (r.raw ?? JSON.stringify(r.body)),
          headers: r.ep.method === 'GET' ? {} : { 'content-type': r.contentType },
        });
        assert.ok(res.status < 500, `${r.ep.method} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        if (res.status >= 400) {
          assert.equal(res.body.statusCode, res.status, 'error bodies are {error, statusCode}');
          assert.equal(typeof res.body.error, 'string');
          assert.doesNotMatch(res.body.error, /\n\s+at /, 'no stack trace');
          assert.equal(await snapshot(world.c), before, `${r.ep.method} ${path} was refused (${res.status}) but changed state`);
        }
        for (const job of (await world.c.api('GET', '/api/jobs/create')).body.jobs as { jobId: string; status: JobStatus }[]) {
          const history = seen.get(job.jobId) ?? [];
          const last = history.at(-1);
          if (last !== job.status) {
            assert.ok(last === undefined || canTransition(last, job.status), `job ${job.jobId} went ${last} -> ${job.status}`);
            history.push(job.status);
            seen.set(job.jobId, history);
          }
          if (!world.jobIds.includes(job.jobId) && world.jobIds.length < 12) world.jobIds.push(job.jobId);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    assert.equal((await world.c.api('GET', '/api/health', { token: null })).status, 200, 'still answering');
  });
});
