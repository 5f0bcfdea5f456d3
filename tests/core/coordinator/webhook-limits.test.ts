/**
 * The bounds that keep webhooks from holding the coordinator up: a few deliveries at once (one per
 * webhook), a bounded queue per webhook, no redirect followed. Receivers on 127.0.0.1 only; where the
 * attempts themselves are faked, nothing is sent at all.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { notifyScheduleMissed } from '../../../electron/core/coordinator/notify/notifier.ts';
import type { AttemptOutcome, Delivery } from '../../../electron/core/coordinator/notify/send.ts';
import { WEBHOOK_LIMITS } from '../../../shared/webhooks.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver.ts';

const SECRET = 'webhook-secret-for-tests-0123456789';

/** An attempt that waits until the test answers it, or the coordinator stops (nothing goes on the network). */
function heldAttempts() {
  const calls: { delivery: Delivery; answer: (outcome: AttemptOutcome) => void }[] = [];
  const send = (delivery: Delivery, options: { signal?: AbortSignal }) =>
    new Promise<AttemptOutcome>((answer) => {
      calls.push({ delivery, answer });
      options.signal?.addEventListener('abort', () => answer({ statusCode: null, error: 'stopped' }), { once: true });
    });
  return { calls, send };
}

async function addHook(c: TestCoordinator, url: string, events = ['schedule.missed']): Promise<string> {
  const res = await c.api('POST', '/api/webhooks/create', { body: { url, events, secret: SECRET } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.webhook.webhookId;
}

const missed = (c: TestCoordinator, n: number) => notifyScheduleMissed(c.context.notifier, { scheduleId: `s${n}`, template: 'nightly', dueAt: Date.now() });

describe('webhook limits', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  async function coordinator(options: Parameters<typeof startTestCoordinator>[0] = {}): Promise<TestCoordinator> {
    const c = await startTestCoordinator({ auth: false, ...options });
    cleanup.push(() => c.close());
    return c;
  }

  it('sends at most 4 deliveries at once, one per webhook; the next starts when one ends', async () => {
    const held = heldAttempts();
    const c = await coordinator({ webhooks: { send: held.send } });
    for (let i = 0; i < 6; i++) await addHook(c, `http://127.0.0.1:9/hook-${i}`);
    missed(c, 1);
    missed(c, 2);
    await waitFor('4 attempts on the way', () => held.calls.length === 4 || undefined);
    assert.equal(c.context.notifier.dispatcher.busy, 4);
    assert.equal(new Set(held.calls.map((call) => call.delivery.url)).size, 4, 'four webhooks, one delivery each');
    held.calls[0]!.answer({ statusCode: 204, error: null });
    await waitFor('a fifth attempt', () => held.calls.length === 5 || undefined);
    assert.equal(c.context.notifier.dispatcher.busy, 4);
    assert.equal(held.calls[4]!.delivery.url === held.calls[0]!.delivery.url, false, 'the freed slot went to a webhook waiting its turn');
    for (const call of held.calls.slice(1)) call.answer({ statusCode: 204, error: null });
  });

  it(`keeps at most ${WEBHOOK_LIMITS.maxPendingPerWebhook} deliveries waiting per webhook; later events for it are dropped and counted`, async () => {
    const held = heldAttempts();
    const c = await coordinator({ webhooks: { send: held.send } });
    const webhookId = await addHook(c, 'http://127.0.0.1:9/hook');
    for (let i = 0; i <= WEBHOOK_LIMITS.maxPendingPerWebhook + 1; i++) missed(c, i);
    const [listed] = (await c.api('GET', '/api/webhooks/create')).body.webhooks;
    assert.deepEqual([listed.webhookId, listed.pending, listed.dropped], [webhookId, WEBHOOK_LIMITS.maxPendingPerWebhook, 2]);
    await waitFor('the first attempt', () => held.calls.length === 1 || undefined);
    assert.equal(held.calls.length, 1, 'one at a time to one webhook');
    held.calls[0]!.answer({ statusCode: 200, error: null });
  });

  it('does not follow a redirect: a 302 is a failed attempt, retried, and the address it points to hears nothing', async () => {
    const elsewhere: Receiver = await startReceiver();
    cleanup.push(() => elsewhere.close());
    const redirecting = await startReceiver([{ status: 302, headers: { location: elsewhere.url } }]);
    cleanup.push(() => redirecting.close());
    const c = await coordinator();
    const webhookId = await addHook(c, redirecting.url);
    missed(c, 1);
    const delivery = await waitFor('an attempt', async () => {
      const [d] = (await c.api('GET', `/api/webhooks/deliveries?webhookId=${webhookId}`)).body.deliveries;
      return d?.attempts.length ? d : undefined;
    });
    assert.deepEqual([delivery.state, delivery.attempts[0].statusCode, delivery.attempts[0].nextRetryAt > delivery.attempts[0].at], ['pending', 302, true]);
    assert.equal(redirecting.received.length, 1);
    assert.equal(elsewhere.received.length, 0);
  });
});
