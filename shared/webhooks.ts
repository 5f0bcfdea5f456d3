/**
 * Webhooks on the wire: the events a webhook may ask for, the bounds the coordinator keeps, the body of
 * POST /api/webhooks/create, and what the list and the delivery log answer (never a secret: `hasSecret`).
 */
import { z } from 'zod';

export const WEBHOOK_EVENTS = ['run.finished', 'job.failed', 'schedule.missed', 'worker.offline'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_LIMITS = {
  urlLength: 2048,
  minSecretLength: 16,
  maxSecretLength: 256,
  /** Webhooks one coordinator keeps. */
  maxWebhooks: 50,
  /** Deliveries waiting per webhook; past it, new events for that webhook are dropped (and counted). */
  maxPendingPerWebhook: 1000,
  /** Ended deliveries kept per webhook in the log (older ones go), and their age at most. */
  keepDeliveriesPerWebhook: 200,
  keepDeliveriesDays: 30,
  /** A delivery is retried for this long after its event, then marked failed. */
  retryForHours: 24,
  /** Deliveries in one page of the log: the default and the most. */
  logPage: 50,
  maxLogPage: 200,
} as const;

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** http(s), no user or password in it (the secret signs; a password in a URL would show in every list). */
export const webhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(WEBHOOK_LIMITS.urlLength)
  .refine((text) => !UNPRINTABLE.test(text), 'must be printable text, without spaces or control characters')
  .refine((text) => URL.canParse(text), 'must be an absolute URL such as https://hooks.example.org/cmdx')
  .refine((text) => !URL.canParse(text) || ['http:', 'https:'].includes(new URL(text).protocol), 'must start with http:// or https://')
  .refine((text) => !URL.canParse(text) || (!new URL(text).username && !new URL(text).password), 'must not hold a user name or password');

export const createWebhookBody = z.object({
  url: webhookUrl,
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `each event must be one of ${WEBHOOK_EVENTS.join(', ')}` }))
    .min(1, `name at least one event: ${WEBHOOK_EVENTS.join(', ')}`)
    .max(WEBHOOK_EVENTS.length)
    .refine((events) => new Set(events).size === events.length, 'must not name an event twice'),
  secret: z
    .string()
    .min(WEBHOOK_LIMITS.minSecretLength, `must be at least ${WEBHOOK_LIMITS.minSecretLength} characters`)
    .max(WEBHOOK_LIMITS.maxSecretLength, `must be at most ${WEBHOOK_LIMITS.maxSecretLength} characters`),
});

export const deleteWebhookBody = z.object({ webhookId: z.string().min(1).max(128) });

export const webhookDto = z
  .object({
    webhookId: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    /** Always true: the secret is kept to sign and never shown again. */
    hasSecret: z.literal(true),
    createdAt: z.number(),
    /** When a receiver answered 410 Gone (null: enabled). */
    disabledAt: z.number().nullable(),
    disabledReason: z.string().nullable(),
    /** Deliveries waiting to be sent or retried now, and events dropped because too many were waiting. */
    pending: z.number(),
    dropped: z.number(),
  })
  .meta({ id: 'Webhook' });
export type WebhookDto = z.infer<typeof webhookDto>;

export const deliveryAttemptDto = z.object({
  attempt: z.number(),
  at: z.number(),
  /** The receiver's HTTP status, or null when there was none (then `error` says why). */
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  /** When the next attempt is due (null: none, the delivery ended). */
  nextRetryAt: z.number().nullable(),
});

export const deliveryDto = z
  .object({
    deliveryId: z.string(),
    event: z.enum(WEBHOOK_EVENTS),
    createdAt: z.number(),
    state: z.enum(DELIVERY_STATES),
    nextAttemptAt: z.number().nullable(),
    attempts: z.array(deliveryAttemptDto),
  })
  .meta({ id: 'WebhookDelivery' });
export type DeliveryDto = z.infer<typeof deliveryDto>;
