/** The usual way in: a person's name and password; the coordinator answers with a session cookie. */
import { useState, type FormEvent } from 'react';
import { CoordinatorApi } from '../../lib/api.ts';
import type { SessionDto } from '../../lib/api-types.ts';
import { signInError } from './sign-in-words.ts';

export function PasswordForm({ base, onSignedIn }: { base: string; onSignedIn: (session: SessionDto) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await new CoordinatorApi(base).signIn({ name: name.trim(), password }));
    } catch (err) {
      setError(signInError(err as Error));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="sign-in-form">
      <label htmlFor="sign-in-name">Name</label>
      <input
        id="sign-in-name"
        autoFocus
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor="sign-in-password">Password</label>
      <input id="sign-in-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="primary" type="submit" disabled={busy || !name.trim() || !password}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
