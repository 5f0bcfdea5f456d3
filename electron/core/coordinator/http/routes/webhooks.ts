/** Notifications: the admin's webhooks (created, listed without their secrets, deleted) and their delivery log. */
import express from 'express';
import { createWebhookBody, deleteWebhookBody, WEBHOOK_LIMITS } from '../../../../../shared/webhooks.ts';
import type { CoordinatorContext } from '../../context.ts';
import { HttpError } from '../http-error.ts';
import { integerParam, parseBody, queryString } from '../validate.ts';
import { createWebhook, deleteWebhook, deliveryLog, listWebhooks } from '../../notify/webhooks.ts';
import { RouteHandlers } from '../endpoint-routes.ts';

/** What the answer to a new webhook adds, in words. */
function noteFor(url: string): string {
  const signed = 'Each delivery is signed: X-Cmdx-Signature is sha256=<HMAC-SHA256 of the body with your secret>; check it before trusting one.';
  return url.startsWith('http://')
    ? `${signed} This URL is plain http://: the signature protects integrity, not secrecy (anyone on the path can read the summaries); prefer https://.`
    : signed;
}

export function webhookRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '8kb' });

  routes.on('postWebhooksCreate', json, async (req, res) => {
    const body = parseBody(createWebhookBody, req.body, ['url', 'events', 'secret'], 'url, events and secret are required');
    const webhook = createWebhook(ctx.store, body);
    await ctx.commit.durable();
    ctx.logger.info('webhook created', { webhookId: webhook.webhookId, host: new URL(webhook.url).host, events: webhook.events });
    res.json({ success: true, webhook, note: noteFor(webhook.url) });
  });

  routes.on('getWebhooksCreate', (_req, res) => {
    const webhooks = listWebhooks(ctx.store);
    res.json({ webhooks, count: webhooks.length });
  });

  routes.on('postWebhooksDelete', json, async (req, res) => {
    const { webhookId } = parseBody(deleteWebhookBody, req.body, ['webhookId'], 'webhookId is required');
    deleteWebhook(ctx.store, webhookId);
    await ctx.commit.durable();
    ctx.logger.info('webhook deleted', { webhookId });
    res.json({ success: true, webhookId });
  });

  routes.on('getWebhooksDeliveries', (req, res) => {
    const webhookId = queryString(req.query.webhookId, 'webhookId');
    if (!webhookId) throw new HttpError(400, 'webhookId is required');
    const limit = integerParam(req.query.limit, 'limit', 1, WEBHOOK_LIMITS.maxLogPage, { clampMax: true }) ?? WEBHOOK_LIMITS.logPage;
    const deliveries = deliveryLog(ctx.store, webhookId, limit);
    res.json({ webhookId, deliveries, count: deliveries.length });
  });
  return routes;
}
