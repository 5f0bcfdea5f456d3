/** The endpoint table's rows for notifications: webhooks created, listed and deleted by the admin, and their delivery log. */
import { z } from 'zod';
import { createWebhookBody, deleteWebhookBody, deliveryDto, webhookDto } from '../webhooks.ts';
import { id, ok, type Endpoint } from './endpoint.ts';

export const WEBHOOK_ENDPOINTS = {
  postWebhooksCreate: {
    method: 'post',
    path: '/api/webhooks/create',
    summary: 'A webhook: a URL told of chosen events, each delivery signed with its secret (HMAC-SHA256)',
    who: 'admin',
    json: createWebhookBody,
    responses: { 200: ok({ webhook: webhookDto, note: z.string() }) },
    refusals: ['conflict'],
    example: { url: 'https://hooks.example.org/cmdx', events: ['run.finished', 'worker.offline'], secret: 'a-long-random-shared-secret' },
  },
  getWebhooksCreate: {
    method: 'get',
    path: '/api/webhooks/create',
    summary: 'The webhooks (never their secrets)',
    who: 'admin',
    responses: { 200: z.object({ webhooks: z.array(webhookDto), count: z.number() }) },
    refusals: [],
  },
  postWebhooksDelete: {
    method: 'post',
    path: '/api/webhooks/delete',
    summary: 'Delete a webhook, its waiting deliveries and its log',
    who: 'admin',
    json: deleteWebhookBody,
    responses: { 200: ok({ webhookId: z.string() }) },
    refusals: ['webhook_not_found'],
  },
  getWebhooksDeliveries: {
    method: 'get',
    path: '/api/webhooks/deliveries',
    summary: "A webhook's delivery log, newest first: each attempt with its time, status code or error, duration and next retry",
    who: 'admin',
    query: z.object({ webhookId: id, limit: z.coerce.number().int().optional() }),
    responses: { 200: z.object({ webhookId: z.string(), deliveries: z.array(deliveryDto), count: z.number() }) },
    refusals: ['webhook_not_found'],
  },
} as const satisfies Record<string, Endpoint>;
