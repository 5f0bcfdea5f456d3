/** A person's way in: a new password (asked first, then shown once), and Disable or Enable. */
import { useState } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import type { UserDto } from '../../lib/api-types.ts';
import { SecretOnce } from './secret-once.tsx';

interface AccessProps {
  user: UserDto;
  onChanged: (next: UserDto, text: string) => void;
  onFailed: (e: unknown) => void;
}

export function PersonAccess({ user, onChanged, onFailed }: AccessProps) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
    } catch (e) {
      onFailed(e);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  const reset = () =>
    run(async () => {
      const answer = await api.updateUser({ userId: user.userId, resetPassword: true });
      setPassword(answer.newPassword);
      onChanged(answer.user, `${user.name} has a new password; the old one no longer works.`);
    });
  const toggle = () =>
    run(async () => {
      const answer = await api.setUserEnabled(user.userId, user.disabled);
      onChanged(answer.user, answer.user.disabled ? `${user.name} is disabled: signed out, and their tokens stop working.` : `${user.name} may sign in again.`);
    });
  return (
    <div className="person-access">
      <h3 className="section">Signing in</h3>
      {password && <SecretOnce caption={`New password for ${user.name}`} name={`the new password of ${user.name}`} secret={password} />}
      <div className="actions">
        {asking ? (
          <>
            <span className="small">A new password for {user.name}? The current one stops working.</span>
            <button className="danger small" disabled={busy} onClick={() => void reset()}>
              Make a new password
            </button>
            <button className="secondary small" disabled={busy} onClick={() => setAsking(false)}>
              Keep it
            </button>
          </>
        ) : (
          // A school account's password is the school's to change.
          user.signIn !== 'oidc' && (
            <button className="secondary small" disabled={busy} onClick={() => setAsking(true)}>
              Reset password…
            </button>
          )
        )}
        <button className="secondary small" disabled={busy} onClick={() => void toggle()}>
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
      </div>
    </div>
  );
}
