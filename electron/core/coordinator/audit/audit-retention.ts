/**
 * Audit retention: rows older than --audit-retention-days go, and the last of them becomes the checkpoint the chain is
 * verified from (audit_chain.anchor), so pruning never breaks verification. The pruning itself is a row of the log.
 */
import type { Store } from '../state/store.ts';
import { recordAudit } from './audit-log.ts';

const DAY_MS = 86_400_000;

export function pruneAudit(store: Store, retentionDays: number, now: number = store.now()): number {
  const cutoff = now - retentionDays * DAY_MS;
  return store.db.transaction(() => {
    const last = store.audit.lastAtOrBefore(cutoff);
    if (!last) return 0;
    const removed = store.audit.pruneThrough(last.seq, last.hash);
    recordAudit(store, {
      actor: 'coordinator',
      userId: null,
      role: null,
      via: null,
      address: null,
      action: 'audit.prune',
      targets: [],
      outcome: 'ok',
      reason: null,
      detail: `${removed} rows older than ${retentionDays} days removed; checkpoint row ${last.seq}`,
    });
    return removed;
  });
}
