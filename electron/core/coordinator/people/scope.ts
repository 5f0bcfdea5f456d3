/**
 * Scope: a teacher or assistant works on the PCs carrying one of their tags (their rooms). A job is in scope when the
 * worker it ran on is, or, before any worker took it, when its target keeps it inside (it names only workers in scope,
 * or requires one of the scope's tags). Tags are read as they are now: a PC moved to another room moves with them.
 */
import type { JobTarget, RunMode } from '../../../../shared/api.ts';
import type { Scope } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import { Refused } from '../refused.ts';

export function workerInScope(worker: { tags: readonly string[] } | undefined, scope: Scope | null): boolean {
  if (!scope) return true;
  return worker !== undefined && worker.tags.some((tag) => scope.tags.includes(tag));
}

/** Whether every worker a job with this target could go to is in scope. */
export function targetInScope(store: Store, target: JobTarget | null, scope: Scope | null): boolean {
  if (!scope) return true;
  if (!target) return false;
  if (target.tags?.some((tag) => scope.tags.includes(tag))) return true;
  return target.workers !== undefined && target.workers.length > 0 && target.workers.every((id) => workerInScope(store.workers.get(id), scope));
}

export function jobInScope(store: Store, job: { workerId: string | null; target: JobTarget | null }, scope: Scope | null): boolean {
  if (!scope) return true;
  if (job.workerId !== null) return workerInScope(store.workers.get(job.workerId), scope);
  return targetInScope(store, job.target, scope);
}

export function outOfScope(what: string, scope: Scope): Refused {
  return new Refused('out_of_scope', `${what} is outside your rooms (${scope.tags.join(', ')}); ask an admin if you need it.`);
}

/**
 * The target a scoped person's new job gets: theirs when it stays in scope; with none, their room when they have
 * one (a job "on any PC" means any PC of their room); refused otherwise.
 */
export function scopedTarget(store: Store, target: JobTarget | null | undefined, scope: Scope | null): JobTarget | null | undefined {
  if (!scope) return target;
  if (!target || (!target.tags?.length && !target.workers?.length)) {
    if (scope.tags.length === 1) return { ...(target ?? {}), tags: [scope.tags[0]!] };
    throw new Refused('out_of_scope', `Choose a room for this job: target one of your tags (${scope.tags.join(', ')}) or named PCs in them.`);
  }
  if (!targetInScope(store, target, scope)) throw outOfScope('That target', scope);
  return target;
}

/**
 * A run's (or a saved command's) target for a scoped person: as scopedTarget, except that a broadcast (each) over every PC of several rooms
 * keeps no target (one target cannot say "any of these tags"); createRun then keeps it to the scope's PCs.
 */
export function scopedRunTarget(store: Store, target: JobTarget | null, mode: RunMode | 'single', scope: Scope | null): JobTarget | null {
  const open = !target?.tags?.length && !target?.workers?.length;
  if (scope && mode === 'each' && open && scope.tags.length > 1) return target;
  return scopedTarget(store, target, scope) ?? null;
}
