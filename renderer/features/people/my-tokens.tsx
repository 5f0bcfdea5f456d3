/** One's own tokens for the terminal: make one (a name, days until it expires; shown once, with the `cmdx login` line), list, revoke. */
import { useState, type FormEvent } from 'react';
import { CopyField } from '../../components/copy-field.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { SecretOnce } from './secret-once.tsx';
import { TokenList } from './token-list.tsx';
import { useTokens } from './use-tokens.ts';

/** `loginLine`: what to type in a terminal to use a token here (the coordinator's address and certificate). */
export function MyTokens({ now, loginLine }: { now: number; loginLine: string }) {
  const api = useApi();
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.createToken(name.trim(), Number(days));
      setMade(answer.token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <form onSubmit={(e) => void submit(e)} className="new-token">
        <div>
          <label htmlFor="token-name">Name</label>
          <input id="token-name" type="text" maxLength={120} placeholder="my laptop" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div>
          <label htmlFor="token-days">Expires after (days)</label>
          <input id="token-days" type="number" min={1} max={366} value={days} onChange={(e) => setDays(e.target.value)} />
        </div>
        <button type="submit" className="secondary" disabled={busy || !name.trim() || !(Number(days) >= 1 && Number(days) <= 366)}>
          {busy ? 'Making…' : 'Make a token'}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {made && (
        <div className="token-made">
          <SecretOnce caption="Your new token" name="the token" secret={made}>
            Paste it when <code>cmdx login</code> asks for the token.
          </SecretOnce>
          <CopyField text={loginLine} caption="In a terminal" name="the cmdx login line" testId="login-line" />
        </div>
      )}
      {tokens.outcome && (
        <p className={tokens.outcome.failed ? 'error' : 'notice'} role={tokens.outcome.failed ? 'alert' : 'status'}>
          {tokens.outcome.text}
        </p>
      )}
      <TokenList tokens={tokens} now={now} empty="No tokens yet" />
    </>
  );
}
