/** The owner's way in: the coordinator's admin token, exchanged once for a session (the token is not stored). */
import { useState, type FormEvent } from 'react';
import { ApiError, CoordinatorApi } from '../../lib/api.ts';
import type { SessionDto } from '../../lib/api-types.ts';
import { signInError } from './sign-in-words.ts';

export function TokenForm({ base, onSignedIn }: { base: string; onSignedIn: (session: SessionDto, adminToken: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const typed = token.trim();
    const api = new CoordinatorApi(base);
    try {
      onSignedIn(await api.signIn({ token: typed }), typed);
    } catch (err) {
      // Refused as not the admin token: one more request says whose token it is.
      const kind = err instanceof ApiError && err.status === 401 ? await api.whoseToken(typed) : null;
      setError(signInError(err as Error, { kind }));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="sign-in-form">
      <p className="muted small">
        The coordinator&apos;s admin token is in <code>tokens.json</code> in its data folder; the coordinator prints where on start.
      </p>
      <label htmlFor="token">Admin token</label>
      <input
        id="token"
        type="password"
        autoFocus
        autoComplete="off"
        value={token}
        onChange={(e) => {
          setToken(e.target.value);
          // The sentence was about the token typed before.
          setError(null);
        }}
        placeholder="cmdx_a_…"
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="primary" type="submit" disabled={busy || !token.trim()}>
        {busy ? 'Checking…' : 'Open dashboard'}
      </button>
    </form>
  );
}
