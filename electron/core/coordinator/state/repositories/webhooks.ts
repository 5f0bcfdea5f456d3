/**
 * The webhooks table: where each webhook sends, which events, and its secret (read only to sign; no
 * answer carries it). Few rows, read on every event: kept in memory, refreshed on every change.
 */
import type { SqlStatement } from '../sql.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../../../../shared/webhooks.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, text, textOrNull, type Row } from '../row.ts';

export interface WebhookRecord {
  webhookId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  createdAt: number;
  disabledAt: number | null;
  disabledReason: string | null;
  dropped: number;
}

function toRecord(row: Row): WebhookRecord {
  const events = (JSON.parse(text(row, 'events')) as string[]).filter((e): e is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(e));
  return {
    webhookId: text(row, 'webhook_id'),
    url: text(row, 'url'),
    events,
    secret: text(row, 'secret'),
    createdAt: int(row, 'created_at'),
    disabledAt: intOrNull(row, 'disabled_at'),
    disabledReason: textOrNull(row, 'disabled_reason'),
    dropped: int(row, 'dropped'),
  };
}

export class WebhookRepository {
  readonly #all: SqlStatement;
  readonly #insert: SqlStatement;
  readonly #delete: SqlStatement;
  readonly #disable: SqlStatement;
  readonly #dropped: SqlStatement;
  #cache: WebhookRecord[] | undefined;

  constructor(db: Database) {
    this.#all = db.prepare('SELECT * FROM webhooks ORDER BY created_at, webhook_id');
    this.#insert = db.prepare('INSERT INTO webhooks (webhook_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM webhooks WHERE webhook_id = ?');
    this.#disable = db.prepare('UPDATE webhooks SET disabled_at = ?, disabled_reason = ? WHERE webhook_id = ? AND disabled_at IS NULL');
    this.#dropped = db.prepare('UPDATE webhooks SET dropped = dropped + 1 WHERE webhook_id = ?');
  }

  /** Every webhook, oldest first. */
  all(): readonly WebhookRecord[] {
    this.#cache ??= this.#all.all().map(toRecord);
    return this.#cache;
  }

  get(webhookId: string): WebhookRecord | undefined {
    return this.all().find((hook) => hook.webhookId === webhookId);
  }

  /** The enabled webhooks that asked for `event`. */
  subscribedTo(event: WebhookEvent): WebhookRecord[] {
    return this.all().filter((hook) => hook.disabledAt === null && hook.events.includes(event));
  }

  insert(hook: Pick<WebhookRecord, 'webhookId' | 'url' | 'events' | 'secret'>, now: number): void {
    this.#insert.run(hook.webhookId, hook.url, JSON.stringify(hook.events), hook.secret, now);
    this.#cache = undefined;
  }

  /** Removes it with its deliveries and their attempts (foreign keys cascade); false when there was none. */
  delete(webhookId: string): boolean {
    const changed = Number(this.#delete.run(webhookId).changes) > 0;
    this.#cache = undefined;
    return changed;
  }

  /** Stops sending to it (a receiver's 410 Gone); false when it was already disabled or is gone. */
  disable(webhookId: string, reason: string, now: number): boolean {
    const changed = Number(this.#disable.run(now, reason, webhookId).changes) > 0;
    this.#cache = undefined;
    return changed;
  }

  /** An event it asked for was not queued: too many deliveries were waiting. */
  noteDropped(webhookId: string): void {
    this.#dropped.run(webhookId);
    this.#cache = undefined;
  }
}
