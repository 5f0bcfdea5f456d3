/** Which workers a wake or power request is for: the ids it names (each must exist), or every worker its target matches. */
import type { JobTarget } from '../../../../shared/api.ts';
import { matchesTarget } from '../../../../shared/targets.ts';
import { Refused } from '../refused.ts';
import type { WorkerRecord } from '../state/repositories/workers.ts';
import type { Store } from '../state/store.ts';

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
