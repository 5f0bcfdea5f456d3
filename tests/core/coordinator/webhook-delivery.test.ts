/**
 * Webhook deliveries end to end, to receivers on 127.0.0.1 only: a signed run.finished after a run ends,
 * retries with backoff on a fake clock (each attempt in the log), a silent receiver that holds nothing
 * up, 410 Gone, worker.offline, job.failed for a job outside a run, and retries resumed after a restart.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { afterEach, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { expectedSignature, startReceiver, type Answer, type Receiver } from '../../helpers/webhook-receiver.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const SECRET = 'webhook-secret-for-tests-0123456789';
const FILE = 'http://files.invalid/project.zip';

async function addHook(c: TestCoordinator, receiver: Receiver, events: string[]): Promise<string> {
  const res = await c.api('POST', '/api/webhooks/create', { body: { url: receiver.url, events, secret: SECRET } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.webhook.webhookId;
}

async function deliveries(c: TestCoordinator, webhookId: string): Promise<any[]> {
  const res = await c.api('GET', `/api/webhooks/deliveries?webhookId=${webhookId}`);
  assert.equal(res.status, 200);
  return res.body.deliveries;
}

/** Waits until the webhook's newest delivery has `count` attempts, and returns it. */
function attempts(c: TestCoordinator, webhookId: string, count: number) {
  return waitFor(`${count} attempts`, async () => {
    const [newest] = await deliveries(c, webhookId);
    return newest?.attempts.length === count ? newest : undefined;
  });
}

/** Plays a worker: takes its next job, reports `exitCode`. */
async function work(c: TestCoordinator, workerId: string, exitCode: number): Promise<string> {
  const got = await c.api('GET', `/api/jobs/get-job?workerId=${workerId}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  const jobId = got.body.job.jobId as string;
  const done = await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId, exitCode } });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return jobId;
}

/** A job outside any run that `w1` takes and ends with exit 3: a job.failed. */
async function failJob(c: TestCoordinator): Promise<string> {
  const created = await c.api('POST', '/api/jobs/create', { body: { command: 'make test\nmake clean', fileUrl: FILE, filename: 'p.zip' } });
  assert.equal(created.status, 200);
  return work(c, 'w1', 3);
}

onBothEngines('webhook deliveries', () => {
  const cleanup: (() => Promise<void>)[] = [];
  async function receiver(answers: Answer[] = [200]): Promise<Receiver> {
    const r = await startReceiver(answers);
    cleanup.push(() => r.close());
    return r;
  }
  async function coordinator(options: Parameters<typeof startTestCoordinator>[0] = {}): Promise<TestCoordinator> {
    const c = await startTestCoordinator({ auth: false, ...options });
    cleanup.push(() => c.close());
    return c;
  }
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  it('a run that ends sends one signed run.finished summary: what ran, its counts and a link to it', async () => {
    const r = await receiver();
    const c = await coordinator();
    const webhookId = await addHook(c, r, ['run.finished', 'job.failed']);
    await c.register('w1');
    await c.register('w2');
    const run = await c.api('POST', '/api/runs/create', { body: { mode: 'each', name: 'Lab 3', commands: '\n  npm test\nnpm run lint', fileUrl: FILE } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const { runId } = run.body;
    await work(c, 'w1', 0);
    await work(c, 'w2', 1);
    await waitFor('run.finished', () => r.received.length === 1 || undefined);
    const [got] = r.received;
    assert.equal(got!.headers['x-cmdx-signature'], expectedSignature(SECRET, got!.raw), 'HMAC-SHA256 of the exact body with the secret');
    assert.equal(got!.headers['content-type'], 'application/json');
    assert.match(got!.headers['user-agent']!, /^cmdx\/\d+\.\d+\.\d+/);
    assert.equal(got!.headers['x-cmdx-event'], 'run.finished');
    assert.equal(got!.headers['x-cmdx-delivery'], got!.body.id);
    assert.match(got!.headers['x-cmdx-timestamp'] as string, /^\d{10}$/);
    assert.equal(got!.headers.authorization, undefined, 'no token goes out');
    const { body } = got!;
    assert.equal(body.event, 'run.finished');
    assert.ok(!Number.isNaN(Date.parse(body.at)));
    assert.equal(body.coordinator.url, `https://127.0.0.1:${c.port}`);
    assert.equal(typeof body.coordinator.name, 'string');
    assert.deepEqual(
      { ...body.summary, completedAt: typeof body.summary.completedAt },
      {
        runId,
        name: 'Lab 3',
        mode: 'each',
        command: 'npm test',
        counts: { total: 2, passed: 1, failed: 1, cancelled: 0 },
        completedAt: 'string',
        url: `https://127.0.0.1:${c.port}/#/runs/${runId}`,
      },
    );
    // A run's failed job is counted in run.finished, not sent as a job.failed of its own (it would have been queued first).
    const log = await waitFor('delivered', async () => ((await deliveries(c, webhookId))[0]?.state === 'delivered' ? deliveries(c, webhookId) : undefined));
    assert.equal(log.length, 1);
    assert.deepEqual(
      log[0].attempts.map((a: any) => [a.attempt, a.statusCode, a.error, a.nextRetryAt]),
      [[1, 200, null, null]],
    );
    assert.ok(JSON.stringify(r.received).includes(SECRET) === false, 'the secret never travels');
  });

  it('jobs of a run that end together (a cancelled run) finish it once, and the desktop listeners hear it too', async () => {
    const r = await receiver();
    const c = await coordinator();
    const heard: any[] = [];
    c.context.notifier.onNotification((notice) => heard.push(notice));
    const webhookId = await addHook(c, r, ['run.finished']);
    for (const id of ['w1', 'w2', 'w3']) await c.register(id);
    const { runId } = (await c.api('POST', '/api/runs/create', { body: { mode: 'each', commands: 'echo hi', fileUrl: FILE } })).body;
    assert.equal((await c.api('POST', '/api/runs/cancel', { body: { runId } })).status, 200);
    await waitFor('run.finished', () => r.received.length === 1 || undefined);
    assert.deepEqual(r.received[0]!.body.summary.counts, { total: 3, passed: 0, failed: 0, cancelled: 3 });
    assert.equal((await deliveries(c, webhookId)).length, 1, 'one delivery (a second would have been queued with the first)');
    assert.deepEqual(
      heard.map((n) => [n.event, n.summary.runId]),
      [['run.finished', runId]],
    );
  });

  it('a receiver answering 500 is retried with growing, jittered waits on a fake clock, each attempt in the log, until it answers 200', async () => {
    let now = Date.now();
    const r = await receiver([500, 500, 200]);
    const c = await coordinator({ now: () => now, webhooks: { pollMs: 10 } });
    const webhookId = await addHook(c, r, ['job.failed']);
    await c.register('w1');
    const jobId = await failJob(c);
    const first = await attempts(c, webhookId, 1);
    assert.equal(first.state, 'pending');
    const [a1] = first.attempts;
    assert.deepEqual([a1.statusCode, a1.error], [500, null]);
    assert.ok(a1.nextRetryAt - a1.at >= 5_000 && a1.nextRetryAt - a1.at <= 15_000, `first retry after 10 s ± 50%: ${a1.nextRetryAt - a1.at}`);
    assert.equal(first.nextAttemptAt, a1.nextRetryAt);
    assert.equal(r.received.length, 1, 'nothing more before the retry is due');
    now = a1.nextRetryAt;
    const second = await attempts(c, webhookId, 2);
    const a2 = second.attempts[1];
    assert.deepEqual([a2.statusCode, a2.at], [500, now]);
    assert.ok(a2.nextRetryAt - a2.at >= 10_000 && a2.nextRetryAt - a2.at <= 30_000, `second retry after 20 s ± 50%: ${a2.nextRetryAt - a2.at}`);
    now = a2.nextRetryAt;
    const third = await attempts(c, webhookId, 3);
    assert.equal(third.state, 'delivered');
    assert.deepEqual([third.attempts[2].statusCode, third.attempts[2].nextRetryAt, third.nextAttemptAt], [200, null, null]);
    assert.ok(third.attempts.every((a: any) => a.durationMs >= 0));
    // Every attempt sent the same signed bytes under the same delivery id.
    assert.equal(new Set(r.received.map((g) => g.raw)).size, 1);
    assert.equal(new Set(r.received.map((g) => g.headers['x-cmdx-delivery'])).size, 1);
    const { summary } = r.received[0]!.body;
    assert.deepEqual([summary.jobId, summary.status, summary.exitCode, summary.command, summary.workerId], [jobId, 'completed', 3, 'make test', 'w1']);
    assert.equal(summary.url, `https://127.0.0.1:${c.port}/#/jobs/${jobId}`);
  });

  it('gives up 24 hours after the event: the delivery is marked failed', async () => {
    let now = Date.now();
    const r = await receiver([503]);
    const c = await coordinator({ now: () => now, webhooks: { pollMs: 10 } });
    const webhookId = await addHook(c, r, ['job.failed']);
    await c.register('w1');
    await failJob(c);
    const first = await attempts(c, webhookId, 1);
    now = first.createdAt + 24 * 3600_000 - 1000;
    const last = await attempts(c, webhookId, 2);
    assert.equal(last.state, 'failed');
    assert.deepEqual([last.attempts[1].statusCode, last.attempts[1].nextRetryAt, last.nextAttemptAt], [503, null, null]);
  });

  it('a receiver that never answers times out, while the API answers at once and another webhook is delivered meanwhile', async () => {
    const silent = await receiver(['hang']);
    const healthy = await receiver();
    const c = await coordinator({ webhooks: { timeoutMs: 2000 } });
    const silentId = await addHook(c, silent, ['job.failed']);
    await addHook(c, healthy, ['job.failed']);
    await c.register('w1');
    await failJob(c);
    await waitFor('the silent receiver to hold a delivery', () => silent.received.length === 1 || undefined);
    const order: string[] = [];
    void silent.received[0]!.closed.then(() => order.push('silent receiver given up'));
    const health = await c.api('GET', '/api/health');
    assert.equal(health.status, 200);
    order.push('health answered');
    await waitFor('the healthy receiver', () => healthy.received.length === 1 || undefined);
    order.push('other webhook delivered');
    const timedOut = await attempts(c, silentId, 1);
    assert.deepEqual(order, ['health answered', 'other webhook delivered', 'silent receiver given up']);
    const [attempt] = timedOut.attempts;
    assert.deepEqual([attempt.statusCode, attempt.error, timedOut.state], [null, 'no answer within 2 s', 'pending']);
    assert.ok(attempt.nextRetryAt > attempt.at);
  });

  it('410 Gone disables the webhook: its log says so and later events are not sent to it', async () => {
    const gone = await receiver([410]);
    const other = await receiver();
    const c = await coordinator();
    const goneId = await addHook(c, gone, ['job.failed']);
    await addHook(c, other, ['job.failed']);
    await c.register('w1');
    await failJob(c);
    const ended = await attempts(c, goneId, 1);
    assert.deepEqual([ended.state, ended.attempts[0].statusCode, ended.attempts[0].nextRetryAt], ['failed', 410, null]);
    const listed = (await c.api('GET', '/api/webhooks/create')).body.webhooks.find((w: any) => w.webhookId === goneId);
    assert.equal(typeof listed.disabledAt, 'number');
    assert.match(listed.disabledReason, /410 Gone/);
    await failJob(c);
    await waitFor('the other webhook got both events', () => other.received.length === 2 || undefined);
    assert.equal(gone.received.length, 1);
    assert.equal((await deliveries(c, goneId)).length, 1);
  });

  it('worker.offline fires when a worker goes offline: silent past --offline-after, or saying goodbye', async () => {
    const r = await receiver();
    const c = await coordinator({ offlineAfterSeconds: 1 });
    await addHook(c, r, ['worker.offline']);
    await c.register('w1');
    await c.register('w2');
    await c.api('POST', '/api/workers/rename', { body: { workerId: 'w2', name: 'Lab PC 2' } });
    assert.equal((await c.api('POST', '/api/workers/goodbye', { body: { workerId: 'w2' } })).status, 200);
    await waitFor('both offline', () => r.received.length === 2 || undefined);
    const summaries = r.received.map((g) => g.body.summary).sort((a, b) => a.workerId.localeCompare(b.workerId));
    assert.deepEqual(
      summaries.map((s) => [s.workerId, s.name, s.hostname]),
      [
        ['w1', 'host-w1', 'host-w1'],
        ['w2', 'Lab PC 2', 'host-w2'],
      ],
    );
    assert.ok(summaries.every((s) => !Number.isNaN(Date.parse(s.lastSeenAt))));
  });

  it('schedule.missed, reported by the schedules through notify(), reaches the webhooks that asked for it', async () => {
    const r = await receiver();
    const c = await coordinator();
    await addHook(c, r, ['schedule.missed']);
    const { notifyScheduleMissed } = await import('../../../electron/core/coordinator/notify/notifier.ts');
    notifyScheduleMissed(c.context.notifier, { scheduleId: 'sch-1', template: 'nightly tests', dueAt: Date.UTC(2030, 0, 1, 3) });
    await waitFor('schedule.missed', () => r.received.length === 1 || undefined);
    assert.deepEqual(r.received[0]!.body.summary, {
      scheduleId: 'sch-1',
      template: 'nightly tests',
      dueAt: '2030-01-01T03:00:00.000Z',
      url: `https://127.0.0.1:${c.port}/#/`,
    });
  });

  it('a pending retry survives a restart of the coordinator and is sent by the next one', async () => {
    const dataDir = tempDir();
    cleanup.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
    let now = Date.now();
    const r = await receiver([500, 200]);
    const first = await startTestCoordinator({ auth: false, dataDir, now: () => now, webhooks: { pollMs: 10 } });
    const webhookId = await addHook(first, r, ['job.failed']);
    await first.register('w1');
    await failJob(first);
    const pending = await attempts(first, webhookId, 1);
    await first.close();
    now = pending.attempts[0].nextRetryAt;
    const second = await coordinator({ dataDir, now: () => now, webhooks: { pollMs: 10 } });
    const done = await attempts(second, webhookId, 2);
    assert.equal(done.state, 'delivered');
    assert.equal(r.received[1]!.raw, r.received[0]!.raw, 'the same body, from the row');
  });
});
