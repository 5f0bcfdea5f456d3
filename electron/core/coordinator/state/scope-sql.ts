/**
 * "This job is in scope" as SQL, the same rule as people/scope.ts jobInScope: the worker it ran on carries one of the
 * scope's tags, or, before any worker took it, its target requires one of them or names only such workers. Worker
 * tags are read as they are now; a page of 100,000 jobs filters in SQLite, never in JavaScript.
 */
import type { SqlValue } from './sql.ts';
import type { Scope } from '../../../../shared/roles.ts';

/** A WHERE fragment over the jobs row `alias` and its parameters; none for a caller with no scope. */
export interface ScopeFilter {
  sql: string;
  params: SqlValue[];
}

const IN_SCOPE_WORKERS = 'SELECT w.worker_id FROM workers w, json_each(w.tags) t WHERE t.value IN (SELECT value FROM json_each(?))';

/** The condition on the jobs row `j`; it takes scopeParams(scope), in order. */
export function jobInScopeSql(j: string): string {
  return `(${j}.worker_id IN (${IN_SCOPE_WORKERS})
    OR (${j}.worker_id IS NULL AND (
      EXISTS (SELECT 1 FROM json_each(${j}.target, '$.tags') tt WHERE tt.value IN (SELECT value FROM json_each(?)))
      OR (json_array_length(${j}.target, '$.workers') > 0
        AND NOT EXISTS (SELECT 1 FROM json_each(${j}.target, '$.workers') tw WHERE tw.value NOT IN (${IN_SCOPE_WORKERS}))))))`;
}

export function scopeParams(scope: Scope): SqlValue[] {
  const tags = JSON.stringify(scope.tags);
  return [tags, tags, tags];
}

export function jobScopeFilter(scope: Scope | null | undefined, alias = 'jobs'): ScopeFilter | null {
  return scope ? { sql: jobInScopeSql(alias), params: scopeParams(scope) } : null;
}

/** `WHERE a AND b AND <scope>` (or nothing), with the parameters in order. */
export function whereClause(conditions: string[], params: SqlValue[], scope: ScopeFilter | null): { sql: string; params: SqlValue[] } {
  const all = scope ? [...conditions, scope.sql] : conditions;
  return { sql: all.length ? `WHERE ${all.join(' AND ')}` : '', params: scope ? [...params, ...scope.params] : params };
}
