/** Which workers a wake or power request is for: the ids it names (each must exist), or every worker its target matches. */
import type { JobTarget } from '../../../../shared/api.ts';
import { matchesTarget } from '../../../../shared/targets.ts';
import { Refused } from '../refused.ts';
import type { WorkerRecord } from '../state/repositories/workers.ts';
import type { Store } from '../state/store.ts';
import type { Scope } from '../../../../shared/roles.ts';
import { outOfScope, workerInScope } from '../people/scope.ts';

export interface WorkerChoice {
  workerIds?: string[];
  target?: JobTarget;
}

/** The chosen workers' rows, in the order named (deduplicated) or the list's order; throws Refused('worker_not_found') for an id nobody has. */
export function chooseWorkers(store: Store, choice: WorkerChoice): WorkerRecord[] {
  const named = choice.workerIds ?? choice.target?.workers;
  if (named) {
    const unknown = [...new Set(named)].filter((id) => !store.workers.get(id));
    if (unknown.length > 0)
      throw new Refused(
        'worker_not_found',
        `No worker named ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''} is registered.`,
      );
  }
  if (choice.workerIds) return [...new Set(choice.workerIds)].map((id) => store.workers.get(id)!);
  return store.workers.all().filter((w) => matchesTarget(choice.target ?? null, w));
}

/**
 * The chosen workers for a person with rooms: a choice that names no PC and no tag (every PC, or every Windows PC)
 * means those in the rooms; any other must choose only PCs in them, else Refused('out_of_scope').
 */
export function chooseScopedWorkers(store: Store, choice: WorkerChoice, scope: Scope | null): WorkerRecord[] {
  const chosen = chooseWorkers(store, choice);
  if (!scope) return chosen;
  const named = choice.workerIds ?? choice.target?.workers;
  if (!named && !choice.target?.tags?.length) return chosen.filter((w) => workerInScope(w, scope));
  const outside = chosen.filter((w) => !workerInScope(w, scope)).map((w) => w.workerId);
  if (outside.length > 0)
    throw outOfScope(outside.length === 1 ? `Worker ${outside[0]}` : `${outside.length} of the chosen PCs (${outside.slice(0, 5).join(', ')})`, scope);
  return chosen;
}
