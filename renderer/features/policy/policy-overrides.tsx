/** The tags and PCs with a policy of their own, each with Clear (it then follows the next one: its tag's, else the lab's). */
import type { WorkerDto } from '../../../shared/api.ts';
import { describePolicy } from '../../../shared/policy.ts';
import type { LabPolicies, PolicyScope } from '../../lib/api.ts';
import { workerName } from '../../lib/targets.ts';

export function PolicyOverrides({
  policies,
  workers,
  busy,
  onClear,
}: {
  policies: LabPolicies | null;
  workers: WorkerDto[];
  busy: boolean;
  onClear: (scope: PolicyScope, words: string) => void;
}) {
  const overrides = policies
    ? [
        ...Object.entries(policies.tags).map(([t, p]) => ({ key: `tag:${t}`, scope: { tag: t }, words: `PCs tagged ${t}`, policy: p })),
        ...Object.entries(policies.workers).map(([w, p]) => ({ key: `worker:${w}`, scope: { workerId: w }, words: workerName(w, workers), policy: p })),
      ]
    : [];
  return (
    <section className="manage-section">
      <h3>Overrides</h3>
      {overrides.length === 0 ? (
        <p className="small muted">None: every PC follows the lab&apos;s policy.</p>
      ) : (
        <ul className="policy-overrides" data-testid="policy-overrides">
          {overrides.map((o) => (
            <li key={o.key} data-scope={o.key}>
              <span>
                <strong>{o.words}</strong>: {describePolicy(o.policy)}
              </span>
              <button type="button" className="secondary small" disabled={busy} onClick={() => onClear(o.scope, o.words)}>
                Clear
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
