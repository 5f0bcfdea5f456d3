/** Everything needed to add a lab PC: the coordinator's addresses, the join token, one command to paste. */
import { useState } from 'react';
import type { CoordinatorInfo } from '../../lib/api.ts';

function Copy({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      className="secondary small"
      aria-label={`Copy ${label}`}
      onClick={() => {
        void navigator.clipboard
          ?.writeText(text)
          .catch(() => {})
          .then(() => {
            setDone(true);
            setTimeout(() => setDone(false), 1500);
          });
      }}
    >
      {done ? 'Copied ✓' : 'Copy'}
    </button>
  );
}

export function JoinWorker({ info, onClose }: { info: CoordinatorInfo; onClose: () => void }) {
  const address = info.addresses[0] ?? location.origin;
  const command = info.joinToken ? `CMDX_JOIN_TOKEN=${info.joinToken} npx cmdx worker --server ${address}` : `npx cmdx worker --server ${address}`;
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="join-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="join-title">Add a worker</h2>
        <p className="muted">
          On the lab PC, install CMD Executor and choose <strong>Worker</strong> with these details, or run the command below.
        </p>
        <label>Coordinator address</label>
        {info.addresses.map((a) => (
          <div className="copy-row" key={a}>
            <code>{a}</code>
            <Copy text={a} label="address" />
          </div>
        ))}
        {info.joinToken && (
          <>
            <label>Join token</label>
            <div className="copy-row">
              <code data-testid="join-token">{info.joinToken}</code>
              <Copy text={info.joinToken} label="join token" />
            </div>
          </>
        )}
        <label>Headless command</label>
        <div className="copy-row">
          <code className="wrap">{command}</code>
          <Copy text={command} label="command" />
        </div>
        <button className="primary" onClick={onClose} autoFocus>
          Done
        </button>
      </div>
    </div>
  );
}
