/**
 * "Lab policy": when workers may run jobs (always, when the PC is idle, in weekly windows), what
 * happens when the student returns, priority and notices; for the whole lab, the PCs with a tag, or
 * one PC. Overrides are listed with Clear. A schedule is read as it is typed; the coordinator's own
 * sentence is shown when it refuses.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { DEFAULT_POLICY, describePolicy, type WorkerPolicy } from '../../../shared/policy.ts';
import { Modal } from '../../components/modal.tsx';
import type { LabPolicies, PolicyScope } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { PolicyFields, policyBody, scheduleError } from './policy-fields.tsx';
import { PolicyOverrides } from './policy-overrides.tsx';
import { ownPolicy, PolicyScopePicker, scopeOf, scopeWords, type ScopeChoice } from './policy-scope.tsx';

type Outcome = { text: string; failed: boolean } | null;

export function LabPolicy({ workers, onClose }: { workers: WorkerDto[]; onClose: () => void }) {
  const { policies, loadError, load } = usePolicies();
  const [choice, setChoice] = useState<ScopeChoice>({ kind: 'lab', tag: '', workerId: workers[0]?.workerId ?? '' });
  const [draft, setDraft] = useState<WorkerPolicy>(DEFAULT_POLICY);
  // Once the admin changed a field, picking who it is for keeps those choices (the saved policy is shown beside).
  const [edited, setEdited] = useState(false);
  const { busy, outcome, setOutcome, save, clear } = usePolicyChanges(load);
  useEffect(() => {
    void load().then((p) => p && setDraft(p.lab));
    // Loaded once on opening; saves load again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** A new scope starts from its own policy, else the lab's, unless the admin already chose the fields. */
  const pickScope = (next: ScopeChoice) => {
    setChoice(next);
    setOutcome(null);
    if (edited) return;
    const own = ownPolicy(policies, next);
    if (own) setDraft(own);
    else if (policies) setDraft(policies.lab);
  };
  const words = scopeWords(choice, workers);
  const badSchedule = scheduleError(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!badSchedule) void save(scopeOf(choice), draft, words).then((saved) => saved && setEdited(false));
  };

  return (
    <Modal labelledBy="lab-policy-title" onClose={onClose} testId="lab-policy" className="lab-policy">
      <h2 id="lab-policy-title">Lab policy</h2>
      <PolicyIntro policies={policies} loadError={loadError} />
      <PolicyOverrides policies={policies} workers={workers} busy={busy} onClear={clear} />
      <form className="policy-form manage-section" onSubmit={submit}>
        <h3>Set a policy</h3>
        <PolicyScopePicker choice={choice} workers={workers} onPick={pickScope} />
        <SavedPolicy policies={policies} choice={choice} words={words} />
        <PolicyFields
          draft={draft}
          set={(patch) => {
            setEdited(true);
            setDraft((d) => ({ ...d, ...patch }));
          }}
        />
        <p className="small" data-testid="policy-summary">
          {words}: {describePolicy(draft)}
        </p>
        <div className="actions">
          <button
            className="primary"
            type="submit"
            disabled={busy || badSchedule !== null || (choice.kind === 'tag' && !choice.tag.trim()) || (choice.kind === 'worker' && !choice.workerId)}
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

function PolicyIntro({ policies, loadError }: { policies: LabPolicies | null; loadError: string | null }) {
  return (
    <>
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
    </>
  );
}

/** What the chosen PCs follow now, so a kept draft never hides what is saved. */
function SavedPolicy({ policies, choice, words }: { policies: LabPolicies | null; choice: ScopeChoice; words: string }) {
  if (!policies || choice.kind === 'lab') return null;
  const own = ownPolicy(policies, choice);
  return (
    <p className="small muted" data-testid="policy-saved">
      Saved now for {words.charAt(0).toLowerCase() + words.slice(1)}: {own ? describePolicy(own) : "none of its own (the lab's applies)"}
    </p>
  );
}

/** The lab's policies as last read; `load` reads them again (null when that failed, with the sentence in loadError). */
function usePolicies(): { policies: LabPolicies | null; loadError: string | null; load: () => Promise<LabPolicies | null> } {
  const api = useApi();
  const [policies, setPolicies] = useState<LabPolicies | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
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
  return { policies, loadError, load };
}

/** Saving and clearing a scope's policy, one at a time, each ending in a sentence; the policies are read again after each. */
function usePolicyChanges(load: () => Promise<unknown>) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setOutcome({ text: await what(), failed: false });
      await load();
      return true;
    } catch (e) {
      setOutcome({ text: (e as Error).message, failed: true });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const save = (scope: PolicyScope, draft: WorkerPolicy, words: string) =>
    act(async () => {
      await api.setPolicy(scope, policyBody(draft));
      return `Saved for ${words}: ${describePolicy(draft)}. The PCs hear of it at their next heartbeat.`;
    });
  const clear = (scope: PolicyScope, words: string) =>
    void act(async () => {
      await api.clearPolicy(scope);
      return `Cleared the policy of ${words}; they follow the lab's again.`;
    });
  return { busy, outcome, setOutcome, save, clear };
}
