/** When workers may run jobs: the lab's policy and its overrides per tag and per worker. */
import { DEFAULT_POLICY, type WorkerPolicy } from '../../../../shared/policy.ts';
import type { PolicyScope } from '../state/repositories/policies.ts';
import type { Store } from '../state/store.ts';

export function policies(store: Store): { lab: WorkerPolicy; tags: Record<string, WorkerPolicy>; workers: Record<string, WorkerPolicy> } {
  const all = store.policies.all();
  const pick = (prefix: string) => Object.fromEntries([...all].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return { lab: all.get('lab') ?? DEFAULT_POLICY, tags: pick('tag:'), workers: pick('worker:') };
}

/** Sets (or with null clears) the policy of a scope; every worker it touches hears of it at its next heartbeat. */
export function setPolicy(store: Store, scope: PolicyScope, policy: WorkerPolicy | null): void {
  store.db.transaction(() => (policy ? store.policies.set(scope, policy) : store.policies.clear(scope)));
  store.announce(
    store.workers.all().map((w) => w.workerId),
    [],
    false,
  );
}
