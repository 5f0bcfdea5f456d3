/** The join token's limits (uses, expiry) and "New join token…": a fresh token, optionally for N PCs or until a time today. */
import { useState, type FormEvent } from 'react';
import type { JoinTokenPolicy } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function when(ms: number, now: number): string {
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  return sameDay ? clock(ms) : new Date(ms).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/** One sentence about how much longer the join token works. */
export function describePolicy(policy: JoinTokenPolicy, now: number): string {
  const joined = `${policy.uses} PC${policy.uses === 1 ? '' : 's'} joined with it`;
  if (policy.maxUses !== null && policy.uses >= policy.maxUses) return `Used up (${policy.uses} of ${policy.maxUses} PCs): make a new one to add more PCs.`;
  if (policy.expiresAt !== null && now >= policy.expiresAt) return `Expired at ${when(policy.expiresAt, now)}: make a new one to add more PCs.`;
  const uses = policy.maxUses === null ? `${joined}, no limit` : `${policy.uses} of ${policy.maxUses} PCs joined with it`;
  const until = policy.expiresAt === null ? 'no expiry' : `valid until ${when(policy.expiresAt, now)}`;
  return `${uses}; ${until}.`;
}

/** `HH:MM` today as ms since the epoch, or a sentence if that time has passed. */
export function todayAt(hhmm: string, now: number): number | { error: string } {
  const [hours, minutes] = hhmm.split(':').map(Number);
  const at = new Date(now);
  at.setHours(hours ?? 0, minutes ?? 0, 0, 0);
  return at.getTime() > now ? at.getTime() : { error: `${hhmm} has already passed today; choose a later time, or leave it empty for no expiry.` };
}

export function JoinTokenControls({ policy, now, onRotated }: { policy: JoinTokenPolicy | null; now: number; onRotated: () => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [maxUses, setMaxUses] = useState('');
  const [until, setUntil] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = until ? todayAt(until, Date.now()) : null;
    if (expiresAt !== null && typeof expiresAt !== 'number') {
      setError(expiresAt.error);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.rotateJoinToken({ maxUses: maxUses ? Number(maxUses) : null, expiresAt });
      setOpen(false);
      onRotated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="join-token">
      {policy && (
        <p className="small muted" data-testid="join-token-policy">
          Join token: {describePolicy(policy, now)}
        </p>
      )}
      {!open ? (
        <button className="secondary small" onClick={() => setOpen(true)}>
          New join token…
        </button>
      ) : (
        <form className="rotate" onSubmit={(e) => void submit(e)}>
          <div className="inline-fields">
            <label>
              Valid for <input type="number" min={1} max={100000} step={1} placeholder="any" value={maxUses} onChange={(e) => setMaxUses(e.target.value)} /> PCs
            </label>
            <label>
              until <input type="time" value={until} onChange={(e) => setUntil(e.target.value)} /> today
            </label>
          </div>
          <p className="small muted">Leave a field empty for no limit. The current join token stops working at once; PCs that already joined keep working.</p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <button className="primary small" type="submit" disabled={busy}>
              Make a new join token
            </button>
            <button className="secondary small" type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
