/**
 * "Lab policy": when workers may run jobs (always, when the PC is idle, in weekly windows), what
 * happens when the student returns, priority and notices; for the whole lab, the PCs with a tag, or
 * one PC. Overrides are listed with Clear. A schedule is read as it is typed; the coordinator's own
 * sentence is shown when it refuses.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { DEFAULT_POLICY, describePolicy, ON_USER_RETURN, parseWindows, POLICY_WHEN, PRIORITIES, type WorkerPolicy } from '../../../shared/policy.ts';
import { Modal } from '../../components/modal.tsx';
import type { LabPolicies, PolicyScope } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { displayName, workerName } from '../../lib/targets.ts';

type ScopeKind = 'lab' | 'tag' | 'worker';

const WHEN_WORDS: Record<WorkerPolicy['when'], string> = {
  always: 'Always',
  idle: 'When nobody uses the PC',
  schedule: 'In weekly hours',
};
const RETURN_WORDS: Record<WorkerPolicy['onUserReturn'], string> = {
  suspend: 'Freeze the job until the PC is free again',
  finish: 'Let the job finish, start no other',
  cancel: 'Cancel the job',
};

/** The schedule's problem in a sentence, or null when it reads (or is not needed). */
export function scheduleError(policy: Pick<WorkerPolicy, 'when' | 'windows'>): string | null {
  if (policy.when !== 'schedule') return null;
  try {
    parseWindows(policy.windows ?? '');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The body POST /api/workers/policy takes for a draft: only what its `when` uses. */
function policyBody(p: WorkerPolicy): Partial<WorkerPolicy> & Pick<WorkerPolicy, 'when'> {
  return {
    when: p.when,
    ...(p.when === 'idle' ? { idleMinutes: p.idleMinutes } : {}),
    ...(p.when === 'schedule' ? { windows: p.windows?.trim() ?? '' } : {}),
    onUserReturn: p.onUserReturn,
    priority: p.priority,
    notices: p.notices,
  };
}

export function LabPolicy({ workers, onClose }: { workers: WorkerDto[]; onClose: () => void }) {
  const api = useApi();
  const [policies, setPolicies] = useState<LabPolicies | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [kind, setKind] = useState<ScopeKind>('lab');
  const [tag, setTag] = useState('');
  const [workerId, setWorkerId] = useState(workers[0]?.workerId ?? '');
  const [draft, setDraft] = useState<WorkerPolicy>(DEFAULT_POLICY);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);

  const load = () =>
    api.policies().then(
      (p) => {
        setPolicies(p);
        return p;
      },
      (e: Error) => {
        setLoadError(e.message);
        return null;
      },
    );
  useEffect(() => {
    void load().then((p) => p && setDraft(p.lab));
    // Loaded once on opening; saves load again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const tags = [...new Set(workers.flatMap((w) => w.tags))].sort();
  const existing = (k: ScopeKind, t: string, w: string): WorkerPolicy | undefined =>
    !policies ? undefined : k === 'lab' ? policies.lab : k === 'tag' ? policies.tags[t] : policies.workers[w];
  /** A new scope starts from its own policy, else the lab's. */
  const pickScope = (k: ScopeKind, t = tag, w = workerId) => {
    setKind(k);
    setTag(t);
    setWorkerId(w);
    setOutcome(null);
    const own = existing(k, t, w);
    if (own) setDraft(own);
    else if (policies) setDraft(policies.lab);
  };
  const scope: PolicyScope = kind === 'tag' ? { tag: tag.trim() } : kind === 'worker' ? { workerId } : {};
  const scopeWords = kind === 'tag' ? `the PCs tagged ${tag.trim() || '…'}` : kind === 'worker' ? workerName(workerId, workers) : 'the whole lab';
  const badSchedule = scheduleError(draft);
  const set = (patch: Partial<WorkerPolicy>) => setDraft((d) => ({ ...d, ...patch }));

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setOutcome({ text: await what(), failed: false });
      await load();
    } catch (e) {
      setOutcome({ text: (e as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (badSchedule) return;
    void act(async () => {
      await api.setPolicy(scope, policyBody(draft));
      return `Saved for ${scopeWords}: ${describePolicy(draft)}. The PCs hear of it at their next heartbeat.`;
    });
  };
  const clear = (s: PolicyScope, words: string) =>
    act(async () => {
      await api.clearPolicy(s);
      return `Cleared the policy of ${words}; they follow the lab's again.`;
    });

  const overrides = policies
    ? [
        ...Object.entries(policies.tags).map(([t, p]) => ({ key: `tag:${t}`, scope: { tag: t }, words: `PCs tagged ${t}`, policy: p })),
        ...Object.entries(policies.workers).map(([w, p]) => ({ key: `worker:${w}`, scope: { workerId: w }, words: workerName(w, workers), policy: p })),
      ]
    : [];

  return (
    <Modal labelledBy="lab-policy-title" onClose={onClose} testId="lab-policy" className="lab-policy">
      <h2 id="lab-policy-title">Lab policy</h2>
      <p className="muted small">
        When workers may run jobs, so they never get in a student&apos;s way. A PC follows its own policy, else its first tag&apos;s (by name), else the
        lab&apos;s.
      </p>
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
      {policies && (
        <p className="small" data-testid="policy-lab">
          The lab: {describePolicy(policies.lab)}
        </p>
      )}
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
                <button type="button" className="secondary small" disabled={busy} onClick={() => void clear(o.scope, o.words)}>
                  Clear
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <form className="policy-form manage-section" onSubmit={save}>
        <h3>Set a policy</h3>
        <label htmlFor="policy-scope">For</label>
        <div className="copy-row">
          <select id="policy-scope" value={kind} onChange={(e) => pickScope(e.target.value as ScopeKind)}>
            <option value="lab">The whole lab</option>
            <option value="tag">The PCs with a tag</option>
            <option value="worker" disabled={workers.length === 0}>
              One PC
            </option>
          </select>
          {kind === 'tag' && (
            <>
              <input
                aria-label="Tag"
                type="text"
                list="policy-tags"
                value={tag}
                placeholder="room-b"
                autoComplete="off"
                onChange={(e) => pickScope('tag', e.target.value)}
              />
              <datalist id="policy-tags">
                {tags.map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </>
          )}
          {kind === 'worker' && (
            <select aria-label="PC" value={workerId} onChange={(e) => pickScope('worker', tag, e.target.value)}>
              {workers.map((w) => (
                <option key={w.workerId} value={w.workerId}>
                  {displayName(w)}
                </option>
              ))}
            </select>
          )}
        </div>
        <label htmlFor="policy-when">Run jobs</label>
        <select id="policy-when" value={draft.when} onChange={(e) => set({ when: e.target.value as WorkerPolicy['when'] })}>
          {POLICY_WHEN.map((w) => (
            <option key={w} value={w}>
              {WHEN_WORDS[w]}
            </option>
          ))}
        </select>
        {draft.when === 'idle' && (
          <>
            <label htmlFor="policy-idle">Minutes without keyboard or mouse</label>
            <input
              id="policy-idle"
              type="number"
              min={1}
              max={24 * 60}
              value={draft.idleMinutes}
              onChange={(e) => set({ idleMinutes: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
            />
          </>
        )}
        {draft.when === 'schedule' && (
          <>
            <label htmlFor="policy-windows">Hours (the PC&apos;s local time)</label>
            <input
              id="policy-windows"
              type="text"
              value={draft.windows ?? ''}
              placeholder="Mon-Fri 18:00-07:30; Sat-Sun all day"
              autoComplete="off"
              aria-invalid={badSchedule !== null}
              aria-describedby="policy-windows-note"
              onChange={(e) => set({ windows: e.target.value })}
            />
            <p id="policy-windows-note" className={`small ${badSchedule ? 'error' : 'muted'}`} data-testid="policy-windows-note">
              {badSchedule ?? `Reads as: ${describePolicy(draft)}.`}
            </p>
          </>
        )}
        {draft.when !== 'always' && (
          <>
            <label htmlFor="policy-return">When the student returns</label>
            <select id="policy-return" value={draft.onUserReturn} onChange={(e) => set({ onUserReturn: e.target.value as WorkerPolicy['onUserReturn'] })}>
              {ON_USER_RETURN.map((r) => (
                <option key={r} value={r}>
                  {RETURN_WORDS[r]}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="policy-priority">Priority</label>
        <select id="policy-priority" value={draft.priority} onChange={(e) => set({ priority: e.target.value as WorkerPolicy['priority'] })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p === 'low' ? 'Low (the student comes first)' : 'Normal'}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={draft.notices} onChange={(e) => set({ notices: e.target.checked })} /> Tell the student at the PC when a job starts
        </label>
        <p className="small" data-testid="policy-summary">
          {scopeWords}: {describePolicy(draft)}
        </p>
        <div className="actions">
          <button
            className="primary"
            type="submit"
            disabled={busy || badSchedule !== null || (kind === 'tag' && !tag.trim()) || (kind === 'worker' && !workerId)}
          >
            Save
          </button>
        </div>
      </form>
      {outcome && (
        <p className={outcome.failed ? 'error' : 'notice'} role={outcome.failed ? 'alert' : 'status'} data-testid="policy-outcome">
          {outcome.text}
        </p>
      )}
      <div className="actions end">
        <button className="secondary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
