/** When workers may run jobs: the lab's policy and its overrides per tag and per worker. */
import { DEFAULT_POLICY, type WorkerPolicy } from '../../../../shared/policy.ts';
import type { PolicyScope } from '../state/repositories/policies.ts';
import type { Store } from '../state/store.ts';
import type { Scope } from '../../../../shared/roles.ts';
import { workerInScope } from '../people/scope.ts';

/** The lab's policy and its overrides; with a scope, only those of its workers and of the tags they carry. */
export function policies(
  store: Store,
  scope: Scope | null = null,
): { lab: WorkerPolicy; tags: Record<string, WorkerPolicy>; workers: Record<string, WorkerPolicy> } {
  const all = store.policies.all();
  const inScope = scope ? store.workers.all().filter((w) => workerInScope(w, scope)) : null;
  const shown = (kind: 'tag' | 'worker', name: string) => !inScope || inScope.some((w) => (kind === 'tag' ? w.tags.includes(name) : w.workerId === name));
  const pick = (kind: 'tag' | 'worker') =>
    Object.fromEntries(
      [...all].filter(([k]) => k.startsWith(`${kind}:`) && shown(kind, k.slice(kind.length + 1))).map(([k, v]) => [k.slice(kind.length + 1), v]),
    );
  return { lab: all.get('lab') ?? DEFAULT_POLICY, tags: pick('tag'), workers: pick('worker') };
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
