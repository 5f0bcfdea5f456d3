/** Whom a policy is for: the whole lab, the PCs with a tag (typed, with the tags in use offered), or one PC. */
import type { WorkerDto } from '../../../shared/api.ts';
import type { WorkerPolicy } from '../../../shared/policy.ts';
import type { LabPolicies, PolicyScope } from '../../lib/api.ts';
import { displayName, workerName } from '../../lib/targets.ts';

export type ScopeKind = 'lab' | 'tag' | 'worker';

/** The scope being edited; the tag and the PC are kept while another kind is picked. */
export interface ScopeChoice {
  kind: ScopeKind;
  tag: string;
  workerId: string;
}

/** The scope as the API takes it. */
export function scopeOf(choice: ScopeChoice): PolicyScope {
  return choice.kind === 'tag' ? { tag: choice.tag.trim() } : choice.kind === 'worker' ? { workerId: choice.workerId } : {};
}

/** "the PCs tagged room-b", "lab-pc-03", "the whole lab": for sentences. */
export function scopeWords(choice: ScopeChoice, workers: readonly WorkerDto[]): string {
  if (choice.kind === 'tag') return `the PCs tagged ${choice.tag.trim() || '…'}`;
  return choice.kind === 'worker' ? workerName(choice.workerId, workers) : 'the whole lab';
}

/** The scope's own policy, if it has one (the lab always does, once read). */
export function ownPolicy(policies: LabPolicies | null, choice: ScopeChoice): WorkerPolicy | undefined {
  if (!policies) return undefined;
  return choice.kind === 'lab' ? policies.lab : choice.kind === 'tag' ? policies.tags[choice.tag] : policies.workers[choice.workerId];
}

export function PolicyScopePicker({ choice, workers, onPick }: { choice: ScopeChoice; workers: WorkerDto[]; onPick: (next: ScopeChoice) => void }) {
  const tags = [...new Set(workers.flatMap((w) => w.tags))].sort();
  return (
    <>
      <label htmlFor="policy-scope">For</label>
      <div className="copy-row">
        <select id="policy-scope" value={choice.kind} onChange={(e) => onPick({ ...choice, kind: e.target.value as ScopeKind })}>
          <option value="lab">The whole lab</option>
          <option value="tag">The PCs with a tag</option>
          <option value="worker" disabled={workers.length === 0}>
            One PC
          </option>
        </select>
        {choice.kind === 'tag' && (
          <>
            <input
              aria-label="Tag"
              type="text"
              list="policy-tags"
              value={choice.tag}
              placeholder="room-b"
              autoComplete="off"
              onChange={(e) => onPick({ ...choice, kind: 'tag', tag: e.target.value })}
            />
            <datalist id="policy-tags">
              {tags.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </>
        )}
        {choice.kind === 'worker' && (
          <select aria-label="PC" value={choice.workerId} onChange={(e) => onPick({ ...choice, kind: 'worker', workerId: e.target.value })}>
            {workers.map((w) => (
              <option key={w.workerId} value={w.workerId}>
                {displayName(w)}
              </option>
            ))}
          </select>
        )}
      </div>
    </>
  );
}
