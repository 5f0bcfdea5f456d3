/** The audit log read back: a page newest first with filters, as JSON or CSV (every cell a spreadsheet could run made inert). */
import type { AuditEntryDto } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import type { AuditQuery, AuditRecord } from '../state/repositories/audit.ts';
import { toCsv } from '../runs/csv.ts';

export function auditEntry(row: AuditRecord): AuditEntryDto {
  return {
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    userId: row.userId,
    role: row.role,
    via: row.via,
    address: row.address,
    action: row.action,
    targets: row.targets,
    outcome: row.outcome,
    reason: row.reason,
    detail: row.detail,
  };
}

export function auditPage(store: Store, query: AuditQuery): { entries: AuditEntryDto[]; nextBefore: number | null } {
  const rows = store.audit.page({ ...query, limit: query.limit + 1 });
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  return { entries: page.map(auditEntry), nextBefore: more ? page.at(-1)!.seq : null };
}

export function auditCsv(entries: AuditEntryDto[]): string {
  return toCsv(
    ['seq', 'time', 'actor', 'role', 'via', 'address', 'action', 'targets', 'outcome', 'reason', 'detail'],
    entries.map((e) => [e.seq, e.at, e.actor, e.role, e.via, e.address, e.action, e.targets.join(' '), e.outcome, e.reason, e.detail]),
  );
}
