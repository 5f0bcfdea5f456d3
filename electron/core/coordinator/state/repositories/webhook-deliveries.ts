/**
 * Webhook deliveries and their attempts: one row per event and webhook, holding the exact body sent on
 * every attempt (so a restart resumes the retries), and one row per attempt, the delivery log. Bounded:
 * waiting rows per webhook are capped by the caller, ended ones pruned per webhook by count and age.
 */
import type { SqlStatement } from '../sql.ts';
import { DELIVERY_STATES, WEBHOOK_EVENTS, type DeliveryDto, type DeliveryState, type WebhookEvent } from '../../../../../shared/webhooks.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, oneOf, text, textOrNull, type Row } from '../row.ts';

export interface DeliveryRecord {
  seq: number;
  deliveryId: string;
  webhookId: string;
  event: WebhookEvent;
  body: string;
  createdAt: number;
  /** Attempts made so far. */
  attempts: number;
}

export interface AttemptRecord {
  attempt: number;
  at: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  nextRetryAt: number | null;
}

export class DeliveryRepository {
  readonly #insert: SqlStatement;
  readonly #pending: SqlStatement;
  readonly #pendingAll: SqlStatement;
  readonly #due: SqlStatement;
  readonly #attempt: SqlStatement;
  readonly #settle: SqlStatement;
  readonly #failPending: SqlStatement;
  readonly #prune: SqlStatement;
  readonly #page: SqlStatement;
  readonly #attemptsOf: SqlStatement;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO webhook_deliveries (delivery_id, webhook_id, event, body, created_at, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
    );
    this.#pending = db.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id = ? AND state = 'pending'`);
    this.#pendingAll = db.prepare(`SELECT webhook_id, COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending' GROUP BY webhook_id`);
    this.#due = db.prepare(`
      SELECT d.*, (SELECT COUNT(*) FROM webhook_attempts a WHERE a.delivery_seq = d.seq) AS attempts FROM webhook_deliveries d
      WHERE d.webhook_id = ? AND d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.seq LIMIT 1`);
    this.#attempt = db.prepare(
      'INSERT INTO webhook_attempts (delivery_seq, attempt, at, status_code, error, duration_ms, next_retry_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#settle = db.prepare('UPDATE webhook_deliveries SET state = ?, next_attempt_at = ? WHERE seq = ?');
    this.#failPending = db.prepare(`UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL WHERE webhook_id = ? AND state = 'pending'`);
    this.#prune = db.prepare(`
      DELETE FROM webhook_deliveries WHERE webhook_id = ?1 AND state != 'pending' AND (created_at < ?2 OR seq NOT IN (
        SELECT seq FROM webhook_deliveries WHERE webhook_id = ?1 AND state != 'pending' ORDER BY seq DESC LIMIT ?3))`);
    this.#page = db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?');
    this.#attemptsOf = db.prepare('SELECT * FROM webhook_attempts WHERE delivery_seq = ? ORDER BY attempt');
  }

  enqueue(delivery: Pick<DeliveryRecord, 'deliveryId' | 'webhookId' | 'event' | 'body'>, now: number): void {
    this.#insert.run(delivery.deliveryId, delivery.webhookId, delivery.event, delivery.body, now, now);
  }

  pendingCount(webhookId: string): number {
    return int(this.#pending.get(webhookId)!, 'n');
  }

  /** Waiting deliveries per webhook id. */
  pendingCounts(): Map<string, number> {
    return new Map(this.#pendingAll.all().map((row) => [text(row, 'webhook_id'), int(row, 'n')]));
  }

  /** The webhook's delivery due first at `now`, if any. */
  nextDue(webhookId: string, now: number): DeliveryRecord | undefined {
    const row = this.#due.get(webhookId, now);
    if (!row) return undefined;
    return {
      seq: int(row, 'seq'),
      deliveryId: text(row, 'delivery_id'),
      webhookId: text(row, 'webhook_id'),
      event: oneOf(row, 'event', WEBHOOK_EVENTS),
      body: text(row, 'body'),
      createdAt: int(row, 'created_at'),
      attempts: int(row, 'attempts'),
    };
  }

  /** One attempt in the log, and where the delivery stands after it (pending with the next retry, or ended). */
  recordAttempt(seq: number, attempt: AttemptRecord, state: DeliveryState): void {
    this.#attempt.run(seq, attempt.attempt, attempt.at, attempt.statusCode, attempt.error, attempt.durationMs, attempt.nextRetryAt);
    this.#settle.run(state, state === 'pending' ? attempt.nextRetryAt : null, seq);
  }

  /** Every waiting delivery of a disabled webhook ends failed. */
  failPending(webhookId: string): void {
    this.#failPending.run(webhookId);
  }

  /** Keeps the newest `keep` ended deliveries of the webhook that are not older than `since`. */
  prune(webhookId: string, keep: number, since: number): void {
    this.#prune.run(webhookId, since, keep);
  }

  /** The newest `limit` deliveries with their attempts, oldest attempt first. */
  page(webhookId: string, limit: number): DeliveryDto[] {
    return this.#page.all(webhookId, limit).map((row) => ({
      deliveryId: text(row, 'delivery_id'),
      event: oneOf(row, 'event', WEBHOOK_EVENTS),
      createdAt: int(row, 'created_at'),
      state: oneOf(row, 'state', DELIVERY_STATES),
      nextAttemptAt: intOrNull(row, 'next_attempt_at'),
      attempts: this.#attemptsOf.all(int(row, 'seq')).map(toAttempt),
    }));
  }
}

function toAttempt(row: Row): AttemptRecord {
  return {
    attempt: int(row, 'attempt'),
    at: int(row, 'at'),
    statusCode: intOrNull(row, 'status_code'),
    error: textOrNull(row, 'error'),
    durationMs: int(row, 'duration_ms'),
    nextRetryAt: intOrNull(row, 'next_retry_at'),
  };
}
