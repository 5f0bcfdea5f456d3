/**
 * The admin's webhooks: created (the secret kept to sign, never shown again), listed, deleted, and
 * their delivery log. Only an admin reaches these (http/routes/webhooks.ts); a webhook sends only to
 * the URL the admin gave, follows no redirect and reports only a status code, so it is no way to look
 * around the LAN for anyone who is not already the admin.
 */
import { randomBytes } from 'node:crypto';
import { WEBHOOK_LIMITS, type DeliveryDto, type WebhookDto, type WebhookEvent } from '../../../../shared/webhooks.ts';
import { Refused } from '../refused.ts';
import type { Store } from '../state/store.ts';
import type { WebhookRecord } from '../state/repositories/webhooks.ts';
import { auditTarget } from '../audit/audit-context.ts';

export interface NewWebhook {
  url: string;
  events: WebhookEvent[];
  secret: string;
}

/** A webhook as answers show it: `hasSecret`, never the secret. */
export function toWebhookDto(hook: WebhookRecord, pending: number): WebhookDto {
  return {
    webhookId: hook.webhookId,
    url: hook.url,
    events: hook.events,
    hasSecret: true,
    createdAt: hook.createdAt,
    disabledAt: hook.disabledAt,
    disabledReason: hook.disabledReason,
    pending,
    dropped: hook.dropped,
  };
}

export function createWebhook(store: Store, input: NewWebhook): WebhookDto {
  const webhookId = `wh_${randomBytes(8).toString('hex')}`;
  store.db.transaction(() => {
    if (store.webhooks.all().length >= WEBHOOK_LIMITS.maxWebhooks) {
      throw new Refused('conflict', `There are already ${WEBHOOK_LIMITS.maxWebhooks} webhooks; delete one you no longer need first.`);
    }
    store.webhooks.insert({ webhookId, url: input.url, events: input.events, secret: input.secret }, store.now());
    auditTarget('webhook', webhookId);
  });
  return toWebhookDto(store.webhooks.get(webhookId)!, 0);
}

export function listWebhooks(store: Store): WebhookDto[] {
  const pending = store.deliveries.pendingCounts();
  return store.webhooks.all().map((hook) => toWebhookDto(hook, pending.get(hook.webhookId) ?? 0));
}

export function deleteWebhook(store: Store, webhookId: string): void {
  const deleted = store.db.transaction(() => store.webhooks.delete(webhookId));
  if (!deleted) throw notFound(webhookId);
}

/** The newest `limit` deliveries, each with every attempt made. */
export function deliveryLog(store: Store, webhookId: string, limit: number): DeliveryDto[] {
  if (!store.webhooks.get(webhookId)) throw notFound(webhookId);
  return store.deliveries.page(webhookId, limit);
}

function notFound(webhookId: string): Refused {
  return new Refused('webhook_not_found', `There is no webhook ${JSON.stringify(webhookId.slice(0, 128))}.`);
}
