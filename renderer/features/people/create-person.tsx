/** Add a person: a sign-in name, display name, role and rooms; the coordinator makes the first password and it is shown here once. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { USER_NAME_PATTERN } from '../../../shared/roles.ts';
import { FormFooter } from '../../components/form-footer.tsx';
import { Modal } from '../../components/modal.tsx';
import { useApi } from '../../lib/api-context.tsx';
import type { UserDto } from '../../lib/api-types.ts';
import { draftBody, draftOf, PersonFields } from './person-fields.tsx';
import { personTitle } from './people-words.ts';
import { SecretOnce } from './secret-once.tsx';

/** `onCreated`: the list reads again. */
export function CreatePerson({ onCreated, onClose }: { onCreated: () => void; onClose: () => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [draft, setDraft] = useState(() => draftOf(null));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<{ user: UserDto; password: string | null } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!USER_NAME_PATTERN.test(name.trim())) {
      setError('The sign-in name: letters, digits and . _ - @, at most 64, starting with a letter or digit.');
      return;
    }
    setBusy(true);
    try {
      const answer = await api.createUser({ name: name.trim(), ...draftBody(draft) });
      setMade({ user: answer.user, password: answer.initialPassword });
      onCreated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy="create-person-title" onClose={onClose} testId="create-person">
      <h2 id="create-person-title">{made ? `${personTitle(made.user)} can sign in` : 'Add a person'}</h2>
      {made ? (
        <Created password={made.password} name={made.user.name} onDone={onClose} />
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor="person-name">Sign-in name</label>
          <input id="person-name" type="text" autoCapitalize="none" spellCheck={false} maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
          <PersonFields id="new-person" draft={draft} onChange={setDraft} />
          <FormFooter error={error} errorTestId="create-person-error" busy={busy} label="Add" busyLabel="Adding…" onCancel={onClose} />
        </form>
      )}
    </Modal>
  );
}

function Created({ name, password, onDone }: { name: string; password: string | null; onDone: () => void }) {
  const root = useRef<HTMLDivElement>(null);
  // The form that had the focus is gone: the password's field takes it (it selects itself to copy).
  useEffect(() => root.current?.querySelector<HTMLElement>('textarea, button')?.focus(), []);
  return (
    <div ref={root}>
      {password ? (
        <SecretOnce caption={`First password for ${name}`} name={`the password of ${name}`} secret={password}>
          Give it to {name} in person; they can change it under Your account.
        </SecretOnce>
      ) : (
        <p className="muted">{name} signs in with the school&apos;s accounts.</p>
      )}
      <div className="actions end">
        <button className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
