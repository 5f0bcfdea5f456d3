/** One person, for an admin: display name, role and rooms; a new password (shown once); disable or enable; their tokens with Revoke. */
import { useState, type FormEvent } from 'react';
import { Modal } from '../../components/modal.tsx';
import { useApi } from '../../lib/api-context.tsx';
import type { UserDto } from '../../lib/api-types.ts';
import { aRole } from '../../lib/person-words.ts';
import { draftBody, draftOf, PersonFields } from './person-fields.tsx';
import { personTitle, SIGN_IN_WORDS } from './people-words.ts';
import { PersonAccess } from './person-access.tsx';
import { TokenList } from './token-list.tsx';
import { useTokens } from './use-tokens.ts';

export interface Outcome {
  text: string;
  failed: boolean;
}

/** `onChanged`: the list reads again (the dialog shows the person as the coordinator answered). */
export function PersonDialog({ user, now, onChanged, onClose }: { user: UserDto; now: number; onChanged: () => void; onClose: () => void }) {
  const [shown, setShown] = useState(user);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const tokens = useTokens(user.userId);
  const changed = (next: UserDto, text: string) => {
    setShown(next);
    setOutcome({ text, failed: false });
    onChanged();
  };
  const failed = (e: unknown) => setOutcome({ text: (e as Error).message, failed: true });
  return (
    <Modal labelledBy="person-title" onClose={onClose} testId="person-dialog">
      <h2 id="person-title">{personTitle(shown)}</h2>
      <p className="muted small">
        Signs in with: {SIGN_IN_WORDS[shown.signIn]}
        {shown.disabled && <strong> · Disabled</strong>}
      </p>
      <RoleForm user={shown} onChanged={changed} onFailed={failed} />
      <PersonAccess user={shown} onChanged={changed} onFailed={failed} />
      <h3 className="section">Tokens for the terminal</h3>
      <TokenList tokens={tokens} now={now} empty={`${shown.name} has no tokens`} />
      {[outcome, tokens.outcome].map(
        (o, i) =>
          o && (
            <p key={i} className={o.failed ? 'error' : 'notice'} role={o.failed ? 'alert' : 'status'} data-testid="person-outcome">
              {o.text}
            </p>
          ),
      )}
      <div className="actions end">
        <button className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

type Changed = (next: UserDto, text: string) => void;

function RoleForm({ user, onChanged, onFailed }: { user: UserDto; onChanged: Changed; onFailed: (e: unknown) => void }) {
  const api = useApi();
  const [draft, setDraft] = useState(() => draftOf(user));
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const answer = await api.updateUser({ userId: user.userId, ...draftBody(draft) });
      onChanged(answer.user, `Saved: ${answer.user.name} is ${aRole(answer.user.role)}.`);
    } catch (err) {
      onFailed(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} className="person-role">
      <PersonFields id="person" draft={draft} onChange={setDraft} />
      <button type="submit" className="secondary small" disabled={busy}>
        {busy ? 'Saving…' : 'Save role and rooms'}
      </button>
    </form>
  );
}
