/** One's own password: the current one, then the new one twice; the person's other sessions end. */
import { useState, type FormEvent } from 'react';
import { useApi } from '../../lib/api-context.tsx';

export function ChangePassword() {
  const api = useApi();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) {
      setOutcome({ text: 'The two new passwords differ; type the same one twice.', failed: true });
      return;
    }
    setBusy(true);
    try {
      const answer = await api.changePassword(current, next);
      setOutcome({ text: answer.message, failed: false });
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      setOutcome({ text: (err as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="change-password">
      <label htmlFor="password-current">Current password</label>
      <input id="password-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      <label htmlFor="password-new">New password (at least 10 characters)</label>
      <input id="password-new" type="password" autoComplete="new-password" minLength={10} value={next} onChange={(e) => setNext(e.target.value)} />
      <label htmlFor="password-again">The new password again</label>
      <input id="password-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      {outcome && (
        <p className={outcome.failed ? 'error' : 'notice'} role={outcome.failed ? 'alert' : 'status'}>
          {outcome.text}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="secondary" disabled={busy || !current || !next}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
