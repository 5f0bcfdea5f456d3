/** "Revoke" with an inline confirm: the worker's token stops working at once, so it asks first. */
import { useState } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { displayName } from '../../lib/targets.ts';

export function RevokeWorker({ worker, onRevoke }: { worker: WorkerDto; onRevoke: (worker: WorkerDto) => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const name = displayName(worker);
  if (!confirming) {
    return (
      <button className="secondary small" onClick={() => setConfirming(true)}>
        Revoke its token…
      </button>
    );
  }
  const revoke = async () => {
    setBusy(true);
    await onRevoke(worker);
    setBusy(false);
    setConfirming(false);
  };
  return (
    <div className="confirm" role="group" aria-label={`Confirm revoking ${name}`}>
      <span className="small">Its token stops working at once.</span>
      <div className="actions">
        <button className="danger small" disabled={busy} onClick={() => void revoke()}>
          Revoke {name}
        </button>
        <button className="secondary small" disabled={busy} onClick={() => setConfirming(false)}>
          Keep
        </button>
      </div>
    </div>
  );
}
