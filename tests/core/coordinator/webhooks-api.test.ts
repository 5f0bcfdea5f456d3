/** The webhooks API: created by the admin only, listed without secrets, bad input refused with a sentence, deleted, the log of an unknown webhook refused. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { jsonLogger } from '../../../electron/core/logger.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const SECRET = 'correct-horse-battery-staple-42';
// Never sent anywhere: these tests make no event, and refused URLs are never stored.
const URL_OK = 'https://127.0.0.1:9/hook';

onBothEngines('webhooks API', () => {
  let c: TestCoordinator;
  const logLines: string[] = [];
  before(async () => {
    c = await startTestCoordinator({ logger: jsonLogger((line) => void logLines.push(line)) });
  });
  after(() => c?.close());

  it('creates a webhook and never shows its secret again: not in the answer, the list, the log or the coordinator log', async () => {
    const created = await c.api('POST', '/api/webhooks/create', { body: { url: URL_OK, events: ['run.finished', 'worker.offline'], secret: SECRET } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { webhook } = created.body;
    assert.match(webhook.webhookId, /^wh_[0-9a-f]{16}$/);
    assert.deepEqual(
      { url: webhook.url, events: webhook.events, hasSecret: webhook.hasSecret, disabledAt: webhook.disabledAt, pending: webhook.pending },
      { url: URL_OK, events: ['run.finished', 'worker.offline'], hasSecret: true, disabledAt: null, pending: 0 },
    );
    assert.match(created.body.note, /X-Cmdx-Signature/);
    const list = await c.api('GET', '/api/webhooks/create');
    assert.equal(list.status, 200);
    assert.ok(list.body.webhooks.some((w: any) => w.webhookId === webhook.webhookId));
    const log = await c.api('GET', `/api/webhooks/deliveries?webhookId=${webhook.webhookId}`);
    assert.deepEqual(log.body, { webhookId: webhook.webhookId, deliveries: [], count: 0 });
    for (const text of [JSON.stringify(created.body), JSON.stringify(list.body), JSON.stringify(log.body), logLines.join('')]) {
      assert.ok(!text.includes(SECRET), 'the secret is nowhere');
      assert.ok(!text.includes('"secret"'), 'not even a field named secret');
    }
  });

  it('says that a plain http:// URL is signed but not secret', async () => {
    const created = await c.api('POST', '/api/webhooks/create', { body: { url: 'http://127.0.0.1:9/hook', events: ['job.failed'], secret: SECRET } });
    assert.equal(created.status, 200);
    assert.match(created.body.note, /integrity, not secrecy/);
  });

  it('refuses bad input with 400 and a sentence naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ events: ['run.finished'], secret: SECRET }, /url, events and secret are required/],
      [{ url: URL_OK, events: ['run.finished'] }, /url, events and secret are required/],
      [{ url: 'ftp://127.0.0.1/hook', events: ['run.finished'], secret: SECRET }, /"url".*http:\/\/ or https:\/\//],
      [{ url: 'not a url', events: ['run.finished'], secret: SECRET }, /"url"/],
      [{ url: 'https://user:pw@127.0.0.1/hook', events: ['run.finished'], secret: SECRET }, /"url".*user name or password/],
      [{ url: `https://127.0.0.1/${'a'.repeat(2100)}`, events: ['run.finished'], secret: SECRET }, /"url"/],
      [{ url: URL_OK, events: [], secret: SECRET }, /"events".*at least one event/],
      [{ url: URL_OK, events: ['job.started'], secret: SECRET }, /"events.0".*run\.finished, job\.failed/],
      [{ url: URL_OK, events: ['job.failed', 'job.failed'], secret: SECRET }, /"events".*twice/],
      [{ url: URL_OK, events: 'run.finished', secret: SECRET }, /"events"/],
      [{ url: URL_OK, events: ['run.finished'], secret: 'too-short' }, /"secret".*at least 16/],
      [{ url: URL_OK, events: ['run.finished'], secret: 'x'.repeat(257) }, /"secret".*at most 256/],
    ];
    const before = (await c.api('GET', '/api/webhooks/create')).body.count;
    for (const [body, sentence] of cases) {
      const res = await c.api('POST', '/api/webhooks/create', { body });
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 200));
      assert.equal(res.body.reason, 'invalid_request');
      assert.match(res.body.error, sentence);
      assert.ok(!JSON.stringify(res.body).includes(SECRET), 'a refusal does not echo the secret');
    }
    assert.equal((await c.api('GET', '/api/webhooks/create')).body.count, before, 'nothing was stored');
    const limit = await c.api('GET', '/api/webhooks/deliveries?webhookId=wh_x&limit=abc');
    assert.equal(limit.status, 400);
    assert.equal((await c.api('GET', '/api/webhooks/deliveries')).status, 400);
  });

  it('only the admin may create, list or read them', async () => {
    const workerToken = await c.register('w-api');
    const body = { url: URL_OK, events: ['run.finished'], secret: SECRET };
    assert.equal((await c.api('POST', '/api/webhooks/create', { body, token: workerToken })).status, 403);
    assert.equal((await c.api('GET', '/api/webhooks/create', { token: workerToken })).status, 403);
    assert.equal((await c.api('POST', '/api/webhooks/create', { body, token: null })).status, 401);
    assert.equal((await c.api('GET', '/api/webhooks/create', { token: null })).status, 401);
  });

  it('deletes one, then says it is not found (404 webhook_not_found), and so does the log of an unknown one', async () => {
    const created = await c.api('POST', '/api/webhooks/create', { body: { url: URL_OK, events: ['schedule.missed'], secret: SECRET } });
    const { webhookId } = created.body.webhook;
    const deleted = await c.api('POST', '/api/webhooks/delete', { body: { webhookId } });
    assert.deepEqual(deleted.body, { success: true, webhookId });
    assert.ok(!(await c.api('GET', '/api/webhooks/create')).body.webhooks.some((w: any) => w.webhookId === webhookId));
    const again = await c.api('POST', '/api/webhooks/delete', { body: { webhookId } });
    assert.equal(again.status, 404);
    assert.equal(again.body.reason, 'webhook_not_found');
    assert.match(again.body.error, /There is no webhook/);
    const log = await c.api('GET', `/api/webhooks/deliveries?webhookId=${webhookId}`);
    assert.equal(log.status, 404);
    assert.equal(log.body.reason, 'webhook_not_found');
  });
});
