/**
 * Appending to the audit log. A request's row is written in the transaction of the first change it commits (the
 * database's outer-commit hook), so a change and its record stand or fall together; a request that committed
 * nothing (refused, or a change outside the database such as a magic packet) gets its row when its answer is sent.
 */
import type { Store } from '../state/store.ts';
import type { AuditFields, AuditRecord } from '../state/repositories/audit.ts';
import { currentAudit, type AuditScope } from './audit-context.ts';

/** One row, in its own transaction or (called inside one) in the caller's. */
export function recordAudit(store: Store, fields: Omit<AuditFields, 'at'> & { at?: number }): AuditRecord {
  return store.db.transaction(() => store.audit.append({ ...fields, at: fields.at ?? store.now() }));
}

function targetsOf(scope: AuditScope): string[] {
  const all = new Set([...scope.targets, ...scope.requestTargets()]);
  return [...all].slice(0, 1000);
}

/** The row of the request now running, once. */
export function writeRequestRow(store: Store, scope: AuditScope, outcome: 'ok' | 'refused', reason: string | null): void {
  if (scope.written) return;
  scope.written = true;
  const { actor, userId, role, via, address, action, detail } = scope;
  recordAudit(store, { actor, userId, role, via, address, action, targets: targetsOf(scope), outcome, reason, detail });
}

/** Makes every outer transaction of an audited request carry its row. */
export function installAuditHook(store: Store): void {
  store.db.beforeOuterCommit = () => {
    const scope = currentAudit();
    if (scope && !scope.written) writeRequestRow(store, scope, 'ok', null);
  };
}

/** A change the coordinator made on its own (a schedule's run, wake or power action): a row with no person behind it. */
export function recordByCoordinator(
  store: Store,
  actor: string,
  action: string,
  targets: string[],
  outcome: 'ok' | 'refused' = 'ok',
  detail: string | null = null,
): void {
  recordAudit(store, { actor, userId: null, role: null, via: null, address: null, action, targets: targets.slice(0, 1000), outcome, reason: null, detail });
}
