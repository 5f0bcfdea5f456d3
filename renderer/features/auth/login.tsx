/** Asks for the admin token once per browser session; says plainly when it is wrong, and when it is the join token instead. */
import { useState, type FormEvent } from 'react';
import { CoordinatorApi } from '../../lib/api.ts';
import { loginError } from './login-error.ts';

export function Login({ base, onLogin }: { base: string; onLogin: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await new CoordinatorApi(base, token.trim()).info();
      onLogin(token.trim());
    } catch (err) {
      setError(loginError(err as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} className="card">
        <h1>CMD Executor</h1>
        <p className="muted">
          Enter the coordinator's admin token. It is in <code>tokens.json</code> in the coordinator's data folder; the coordinator prints where on start.
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
    </main>
  );
}
