/**
 * Sends the waiting webhook deliveries, off every request's path: a few at once (one per webhook, so a
 * silent receiver holds up only its own), each attempt with a deadline, every attempt written to the
 * delivery log. 2xx delivers; 410 Gone disables the webhook; anything else is retried with exponential
 * backoff and jitter for up to 24 h after the event, then the delivery is marked failed. The deliveries
 * are rows, so a restart picks up where the last run stopped.
 */
import { backoffMs } from '../../../../shared/backoff.ts';
import { WEBHOOK_LIMITS } from '../../../../shared/webhooks.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../state/store.ts';
import type { DeliveryRecord } from '../state/repositories/webhook-deliveries.ts';
import type { WebhookRecord } from '../state/repositories/webhooks.ts';
import { describeError, postOnce, type AttemptOutcome, type Delivery } from './send.ts';

export interface DispatcherOptions {
  /** Deliveries on the way at once, all webhooks together (one at a time per webhook). */
  concurrency?: number;
  /** One attempt's deadline: connecting, sending and the answer's status. */
  timeoutMs?: number;
  /** How often waiting deliveries are looked for (a new event is sent at once). */
  pollMs?: number;
  /** The attempt itself (tests may count them). */
  send?: typeof postOnce;
}

export const DISPATCH_DEFAULTS = { concurrency: 4, timeoutMs: 10_000, pollMs: 1000 } as const;

const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 3600_000;
const RETRY_FOR_MS = WEBHOOK_LIMITS.retryForHours * 3600_000;

/** The wait after `failed` failed attempts: about 10 s, 20 s, 40 s … doubling up to an hour, each 0.5x to 1.5x (shared/backoff.ts). */
export function retryDelayMs(failed: number): number {
  return Math.round(backoffMs(failed - 1, MAX_RETRY_MS, FIRST_RETRY_MS));
}

export class Dispatcher {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #options: Required<DispatcherOptions>;
  /** Webhook id → its attempt on the way. */
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  /** When each webhook last got a turn (a serial number): the longest waiting goes first. */
  #served = new Map<string, number>();
  #serial = 0;

  constructor(store: Store, logger: Logger, options: DispatcherOptions = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#options = { ...DISPATCH_DEFAULTS, send: postOnce, ...options };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.kick(), this.#options.pollMs);
    this.#timer.unref();
    this.kick();
  }

  /** Sends nothing new until start() (another coordinator of the campus has the duty); attempts on the way finish. */
  pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Attempts on the way now. */
  get busy(): number {
    return this.#inFlight.size;
  }

  /** Starts the due deliveries there is room for, the webhook that waited longest for its turn first. */
  kick(): void {
    if (this.#stop.signal.aborted || !this.#timer) return;
    const turn = (id: string) => this.#served.get(id) ?? -1;
    const hooks = this.#store.webhooks
      .all()
      .filter((hook) => hook.disabledAt === null)
      .sort((a, b) => turn(a.webhookId) - turn(b.webhookId));
    if (this.#served.size > 2 * hooks.length + 10) this.#served = new Map(hooks.map((hook) => [hook.webhookId, turn(hook.webhookId)]));
    const now = this.#store.now();
    for (const hook of hooks) {
      if (this.#inFlight.size >= this.#options.concurrency) break;
      if (this.#inFlight.has(hook.webhookId)) continue;
      const due = this.#store.deliveries.nextDue(hook.webhookId, now);
      if (!due) continue;
      this.#served.set(hook.webhookId, ++this.#serial);
      const attempt = this.#attempt(hook, due)
        .catch((error: unknown) => this.#logger.error('webhook delivery failed unexpectedly', { webhookId: hook.webhookId, error: String(error) }))
        .finally(() => {
          this.#inFlight.delete(hook.webhookId);
          this.kick();
        });
      this.#inFlight.set(hook.webhookId, attempt);
    }
  }

  /** Stops sending: attempts on the way are abandoned and stay pending (the next start sends them again). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stop.abort();
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  async #attempt(hook: WebhookRecord, due: DeliveryRecord): Promise<void> {
    const at = this.#store.now();
    const started = performance.now();
    const delivery: Delivery = { url: hook.url, secret: hook.secret, event: due.event, deliveryId: due.deliveryId, body: due.body };
    let outcome: AttemptOutcome;
    try {
      outcome = await this.#options.send(delivery, { timeoutMs: this.#options.timeoutMs, at, signal: this.#stop.signal });
    } catch (error) {
      outcome = { statusCode: null, error: describeError(error as Error) };
    }
    if (this.#stop.signal.aborted) return;
    this.#record(hook, due, at, outcome, Math.round(performance.now() - started));
  }

  #record(hook: WebhookRecord, due: DeliveryRecord, at: number, outcome: AttemptOutcome, durationMs: number): void {
    const store = this.#store;
    const attempt = { attempt: due.attempts + 1, at, statusCode: outcome.statusCode, error: outcome.error, durationMs, nextRetryAt: null as number | null };
    const code = outcome.statusCode;
    const fields = { webhookId: hook.webhookId, host: new URL(hook.url).host, event: due.event, deliveryId: due.deliveryId, attempt: attempt.attempt };
    store.db.transaction(() => {
      if (code !== null && code >= 200 && code < 300) return store.deliveries.recordAttempt(due.seq, attempt, 'delivered');
      if (code === 410) {
        store.deliveries.recordAttempt(due.seq, attempt, 'failed');
        store.webhooks.disable(hook.webhookId, 'The receiver answered 410 Gone: it wants no more deliveries.', at);
        store.deliveries.failPending(hook.webhookId);
        this.#logger.warn('webhook disabled: its receiver answered 410 Gone', fields);
        return;
      }
      const next = at + retryDelayMs(attempt.attempt);
      const giveUp = next > due.createdAt + RETRY_FOR_MS;
      store.deliveries.recordAttempt(due.seq, { ...attempt, nextRetryAt: giveUp ? null : next }, giveUp ? 'failed' : 'pending');
      if (giveUp) this.#logger.warn('webhook delivery failed for 24 h; given up', { ...fields, statusCode: code, error: outcome.error });
      else this.#logger.debug('webhook delivery will be retried', { ...fields, statusCode: code, error: outcome.error, nextRetryAt: next });
    });
    const keepSince = at - WEBHOOK_LIMITS.keepDeliveriesDays * 24 * 3600_000;
    store.db.transaction(() => store.deliveries.prune(hook.webhookId, WEBHOOK_LIMITS.keepDeliveriesPerWebhook, keepSince));
  }
}
