/** Whether a target can be used against the workers registered now, and how many it selects. */
import type { JobTarget } from '../../../../shared/api.ts';
import type { Store } from '../state/store.ts';
import { describeTarget, matchesTarget, normalizeTarget } from './targeting.ts';
import type { Scope } from '../../../../shared/roles.ts';
import { workerInScope } from '../people/scope.ts';

/** Why a target cannot be used (it names an unknown worker, or selects none), in a sentence, or null. */
export function targetProblem(store: Store, target: JobTarget | null | undefined): string | null {
  const normal = normalizeTarget(target);
  if (!normal) return null;
  const workers = store.workers.all().filter((w) => !w.revoked);
  const unknown = normal.workers?.filter((id) => !workers.some((w) => w.workerId === id)) ?? [];
  if (unknown.length)
    return `No worker named ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''} is registered; check the names on the dashboard's workers list.`;
  if (!workers.some((w) => matchesTarget(normal, w)))
    return `No registered worker matches the target (${describeTarget(normal)}); check the workers' tags and OS on the dashboard.`;
  return null;
}

/** Workers (not revoked, in scope) a target selects: how many jobs a broadcast to it makes. */
export function countMatchingWorkers(store: Store, target: JobTarget | null, scope: Scope | null = null): number {
  return store.workers.all().filter((w) => !w.revoked && matchesTarget(normalizeTarget(target), w) && workerInScope(w, scope)).length;
}
