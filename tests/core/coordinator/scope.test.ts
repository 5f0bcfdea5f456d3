/**
 * Scopes: maria (teacher) and anna (assistant) work in room B. They create, see and act on room B's PCs and jobs
 * only, over HTTP and on the live feed; room A's are refused by name (out_of_scope) and left out of every list.
 * Each refusal sits beside the same request that succeeds, so none passes by refusing everything.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import WebSocket from 'ws';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { person, type SignedIn } from '../../helpers/people.ts';
import { waitFor } from '../../helpers/processes.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://example.invalid/project.zip';
const EMPTY_ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

onBothEngines('scopes', () => {
  let c: TestCoordinator;
  let maria: SignedIn;
  let anna: SignedIn;
  const tokens: Record<string, string> = {};
  let jobA: string;
  let jobB: string;
  let everyPc: { runId: string; jobIds: string[]; count: number };

  /** A job created by the admin, or by `as`. */
  const job = (body: Record<string, unknown>, as?: SignedIn) => {
    const request = { body: { command: 'x', fileUrl: FILE, filename: 'p.zip', ...body } };
    return as ? as.api('POST', '/api/jobs/create', request) : c.api('POST', '/api/jobs/create', request);
  };
  const take = async (workerId: string) =>
    (await c.api('GET', `/api/jobs/get-job?workerId=${workerId}`, { token: tokens[workerId]! })).body.job.jobId as string;
  const log = (workerId: string, jobId: string, seq: number) =>
    c.api('POST', '/api/jobs/logs', {
      token: tokens[workerId]!,
      body: { jobId, workerId, chunks: [{ stream: 'stdout', seq, data: `line ${seq} of ${workerId}\n` }] },
    });
  const refusedOutOfScope = (res: { status: number; body: any }, what: string) => {
    assert.equal(res.status, 403, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.reason, 'out_of_scope', what);
  };

  before(async () => {
    c = await startTestCoordinator();
    tokens['pc-a1'] = await c.register('pc-a1', { tags: ['room-a'] });
    for (const id of ['pc-b1', 'pc-b2']) tokens[id] = await c.register(id, { tags: ['room-b'] });
    jobA = (await job({ target: { workers: ['pc-a1'] } })).body.jobId;
    jobB = (await job({ target: { workers: ['pc-b1'] } })).body.jobId;
    assert.equal(await take('pc-a1'), jobA);
    assert.equal(await take('pc-b1'), jobB);
    for (const [w, id] of [
      ['pc-a1', jobA],
      ['pc-b1', jobB],
    ] as const)
      assert.equal((await log(w, id, 0)).status, 200);
    everyPc = (await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo every pc' } })).body;
    maria = await person(c, 'maria', 'teacher', { tags: ['room-b'] });
    anna = await person(c, 'anna', 'assistant', { tags: ['room-b'] });
  });
  after(() => c?.close());

  it("refuses a new job's target outside the room, and sends one with no target to the room", async () => {
    refusedOutOfScope(await job({ target: { workers: ['pc-a1'] } }, maria), 'a job on pc-a1');
    refusedOutOfScope(await job({ target: { tags: ['room-a'] } }, maria), 'a job on room-a');
    assert.equal((await job({ target: { workers: ['pc-b2'] } }, maria)).status, 200);
    const anyPc = await job({}, maria);
    assert.equal(anyPc.status, 200);
    assert.deepEqual((await maria.api('GET', `/api/jobs/status?jobId=${anyPc.body.jobId}`)).body.target, { tags: ['room-b'] });
    refusedOutOfScope(await maria.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'x', target: { tags: ['room-a'] } } }), 'a run on room-a');
  });

  it('refuses a direct run on the coordinator PC to a teacher with rooms; a distributed one goes to the room', async () => {
    const execute = (mode: string) => {
      const form = new FormData();
      form.set('file', new Blob([EMPTY_ZIP], { type: 'application/zip' }), 'p.zip');
      form.set('commands', 'echo hi');
      form.set('mode', mode);
      return fetch(`${c.url}/api/execute`, { method: 'POST', headers: { cookie: maria.cookie, 'x-csrf-token': maria.csrf }, body: form });
    };
    const direct = await execute('direct');
    refusedOutOfScope({ status: direct.status, body: await direct.json() }, 'a direct run');
    const distributed = await execute('distributed');
    assert.equal(distributed.status, 200);
    const { jobId } = (await distributed.json()) as { jobId: string };
    assert.deepEqual((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.target, { tags: ['room-b'] });
  });

  it('runs a broadcast over every PC on the PCs of the room, and says how many', async () => {
    assert.equal(everyPc.count, 3, "the admin's run over every PC");
    const run = await maria.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo room b' } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.count, 2);
    assert.equal(run.body.jobIds.length, 2);
    const status = (await maria.api('GET', `/api/runs/status?runId=${run.body.runId}`)).body;
    assert.deepEqual(status.jobs.map((j: any) => j.workerId).sort(), ['pc-b1', 'pc-b2']);
    // Two rooms cannot be one target: the broadcast keeps to the PCs in them, and a single job must choose.
    const tom = await person(c, 'tom', 'teacher', { tags: ['room-b', 'room-c'] });
    const wide = await tom.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo b and c' } });
    assert.equal(wide.body.count, 2, JSON.stringify(wide.body));
    refusedOutOfScope(await job({}, tom), 'a job on any PC of two rooms');
    assert.equal((await job({ target: { tags: ['room-b'] } }, tom)).status, 200);
  });

  it("refuses room A's job by name: status, log, artifacts, tests; room B's are answered", async () => {
    for (const path of ['/api/jobs/status', '/api/jobs/log', '/api/jobs/artifacts', '/api/jobs/tests']) {
      refusedOutOfScope(await maria.api('GET', `${path}?jobId=${jobA}`), `${path} of room A's job`);
      const mine = await maria.api('GET', `${path}?jobId=${jobB}`);
      assert.notEqual(mine.body.reason, 'out_of_scope', `${path} of room B's job: ${JSON.stringify(mine.body)}`);
    }
    assert.equal((await maria.api('GET', `/api/jobs/log?jobId=${jobB}`)).body.chunks[0].data, 'line 0 of pc-b1\n');
  });

  it("leaves room A's jobs and PCs out of every list, count, run and export", async () => {
    const roomA = (await c.api('GET', '/api/jobs/create')).body.jobs.filter((j: any) => j.workerId === 'pc-a1' || j.target?.workers?.includes('pc-a1'));
    assert.equal(roomA.length, 2, "the admin sees room A's job and its share of the run");
    for (const path of ['/api/jobs/create', '/api/jobs/create?limit=100', '/api/jobs/create?status=pending&limit=100']) {
      const text = JSON.stringify((await maria.api('GET', path)).body);
      for (const j of roomA) assert.ok(!text.includes(j.jobId), `${path} holds ${j.jobId}`);
      assert.ok(!text.includes('pc-a1'), path);
    }
    const mine = (await maria.api('GET', '/api/jobs/create')).body.jobs;
    assert.ok(mine.some((j: any) => j.jobId === jobB));
    assert.equal((await maria.api('GET', '/api/jobs/counts')).body.all, mine.length);
    assert.equal((await c.api('GET', '/api/jobs/counts')).body.all, mine.length + roomA.length);

    const status = (await maria.api('GET', `/api/runs/status?runId=${everyPc.runId}`)).body;
    assert.deepEqual(status.jobs.map((j: any) => j.workerId).sort(), ['pc-b1', 'pc-b2']);
    assert.equal(status.summary.total, 2);
    assert.equal((await c.api('GET', `/api/runs/status?runId=${everyPc.runId}`)).body.summary.total, 3);
    const csv = (await maria.api('GET', `/api/runs/export?runId=${everyPc.runId}&format=csv`)).body as string;
    assert.match(csv, /pc-b1/);
    assert.doesNotMatch(csv, /pc-a1/);
    assert.match((await c.api('GET', `/api/runs/export?runId=${everyPc.runId}&format=csv`)).body as string, /pc-a1/);
    assert.doesNotMatch(JSON.stringify((await maria.api('GET', `/api/runs/export?runId=${everyPc.runId}&format=json`)).body), /pc-a1/);

    const roomARun = (await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'x', target: { tags: ['room-a'] } } })).body.runId;
    refusedOutOfScope(await maria.api('GET', `/api/runs/status?runId=${roomARun}`), "room A's run");
    const runs = (await maria.api('GET', '/api/runs/create')).body.runs.map((r: any) => r.runId);
    assert.ok(runs.includes(everyPc.runId) && !runs.includes(roomARun), JSON.stringify(runs));
    assert.ok((await c.api('GET', '/api/runs/create')).body.runs.some((r: any) => r.runId === roomARun));

    assert.deepEqual((await maria.api('GET', '/api/workers/register')).body.workers.map((w: any) => w.workerId).sort(), ['pc-b1', 'pc-b2']);
    const info = (await maria.api('GET', '/api/coordinator/info')).body;
    assert.equal(info.joinToken, null);
    assert.ok(!JSON.stringify(info).includes(c.tokens.joinToken), 'no join line carries the join token');
    assert.equal((await c.api('GET', '/api/coordinator/info')).body.joinToken, c.tokens.joinToken);
  });

  it("refuses to cancel room A's job or to wake or power off its PC", async () => {
    refusedOutOfScope(await maria.api('POST', '/api/jobs/cancel', { body: { jobId: jobA } }), "cancelling room A's job");
    const own = (await job({ target: { workers: ['pc-b2'] } }, maria)).body.jobId;
    assert.equal((await maria.api('POST', '/api/jobs/cancel', { body: { jobId: own } })).status, 200);
    for (const path of ['/api/workers/power', '/api/workers/wake']) {
      const action = path.endsWith('power') ? { action: 'shutdown' } : {};
      refusedOutOfScope(await maria.api('POST', path, { body: { workerIds: ['pc-a1'], ...action } }), `${path} of pc-a1`);
      refusedOutOfScope(await maria.api('POST', path, { body: { target: { tags: ['room-a'] }, ...action } }), `${path} of room-a`);
      const mine = await maria.api('POST', path, { body: { workerIds: ['pc-b2'], ...action } });
      assert.equal(mine.status, 200, `${path} of pc-b2: ${JSON.stringify(mine.body)}`);
    }
  });

  it("re-runs, renames and cancels a run only in the room: room A's run is refused, a shared one keeps to room B", async () => {
    const roomA = (await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'x', target: { tags: ['room-a'] } } })).body.runId;
    for (const [path, body] of [
      ['/api/runs/rerun', { runId: roomA, only: 'all' }],
      ['/api/runs/rename', { runId: roomA, name: 'mine now' }],
      ['/api/runs/cancel', { runId: roomA }],
    ] as const) {
      refusedOutOfScope(await maria.api('POST', path, { body }), `${path} of room A's run`);
    }
    const rerun = await maria.api('POST', '/api/runs/rerun', { body: { runId: everyPc.runId, only: 'all' } });
    assert.equal(rerun.status, 200, JSON.stringify(rerun.body));
    assert.equal(rerun.body.count, 2, 'only the PCs of room B run it again');
    assert.equal((await maria.api('POST', '/api/runs/rename', { body: { runId: everyPc.runId, name: 'Lab 1' } })).status, 200);
    const cancel = await maria.api('POST', '/api/runs/cancel', { body: { runId: everyPc.runId } });
    assert.equal(cancel.body.cancelled, 2, JSON.stringify(cancel.body));
    const left = (await c.api('GET', `/api/runs/status?runId=${everyPc.runId}`)).body.jobs.find((j: any) => j.workerId === 'pc-a1');
    assert.equal(left.status, 'pending', "room A's job of the shared run is not hers to cancel");
  });

  it('lets an assistant of the room read its jobs and comment on them, not create jobs', async () => {
    assert.equal((await anna.api('GET', `/api/jobs/status?jobId=${jobB}`)).status, 200);
    refusedOutOfScope(await anna.api('GET', `/api/jobs/status?jobId=${jobA}`), 'anna reading room A');
    assert.equal((await anna.api('POST', '/api/runs/comment', { body: { jobId: jobB, comment: 'Well done' } })).status, 200);
    refusedOutOfScope(await anna.api('POST', '/api/runs/comment', { body: { jobId: jobA, comment: 'x' } }), 'anna commenting on room A');
    const create = await job({ target: { workers: ['pc-b1'] } }, anna);
    assert.equal(create.status, 403);
    assert.equal(create.body.reason, 'role_required');
  });

  it('carries only the room on the live feed, opened with the session cookie from the dashboard itself', async () => {
    const wsUrl = `${c.url.replace('http', 'ws')}/api/ws`;
    const open = (options: { cookie?: string; origin?: string; token?: string }) =>
      new WebSocket(wsUrl, options.token ? ['cmdx', `cmdx-token.${options.token}`] : ['cmdx'], {
        headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
      });
    const refusal = (ws: WebSocket) =>
      new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
        ws.once('open', () => reject(new Error('opened')));
      });
    assert.equal(await refusal(open({ cookie: maria.cookie, origin: 'https://evil.example' })), 403, 'a foreign Origin');
    assert.equal(await refusal(open({ cookie: maria.cookie })), 403, 'no Origin');

    const texts: string[] = [];
    const ws = open({ cookie: maria.cookie, origin: c.url });
    ws.on('message', (raw: Buffer) => texts.push(raw.toString()));
    const messages = () => texts.map((t) => JSON.parse(t));
    try {
      const snapshot = await waitFor('the snapshot', () => messages().find((m) => m.type === 'snapshot'));
      assert.deepEqual(snapshot.workers.map((w: any) => w.workerId).sort(), ['pc-b1', 'pc-b2']);
      assert.ok(snapshot.jobs.some((j: any) => j.jobId === jobB));
      for (const id of [jobA, jobB]) ws.send(JSON.stringify({ type: 'subscribe', jobId: id, after: 0 }));
      const newA = (await job({ target: { workers: ['pc-a1'] } })).body.jobId;
      const newB = (await job({ target: { workers: ['pc-b2'] } })).body.jobId;
      assert.equal((await log('pc-a1', jobA, 1)).status, 200);
      assert.equal((await log('pc-b1', jobB, 1)).status, 200);
      await waitFor("room B's new job", () => messages().some((m) => m.type === 'changes' && m.jobs.some((j: any) => j.jobId === newB)) || undefined);
      await waitFor("room B's log line", () => messages().some((m) => m.type === 'log' && m.jobId === jobB) || undefined);
      const all = texts.join('\n');
      for (const hidden of ['pc-a1', jobA, newA]) assert.ok(!all.includes(hidden), `the feed carried ${hidden}`);
      assert.ok(
        messages().some((m) => m.type === 'changes' && m.counts),
        'the counts came too',
      );

      const admin = open({ token: c.tokens.adminToken });
      const adminTexts: string[] = [];
      admin.on('message', (raw: Buffer) => adminTexts.push(raw.toString()));
      await waitFor("the admin's snapshot", () => adminTexts.find((t) => t.includes('"snapshot"')));
      assert.ok(adminTexts[0]!.includes('pc-a1'), 'the admin sees room A');
      admin.close();
      const assistant = open({ cookie: anna.cookie, origin: c.url });
      const assistantTexts: string[] = [];
      assistant.on('message', (raw: Buffer) => assistantTexts.push(raw.toString()));
      await waitFor("the assistant's snapshot", () => assistantTexts.find((t) => t.includes('"snapshot"')));
      assert.ok(!assistantTexts[0]!.includes('pc-a1') && assistantTexts[0]!.includes('pc-b1'), 'an assistant watches the room');
      assistant.close();
    } finally {
      ws.close();
    }
  });
});
