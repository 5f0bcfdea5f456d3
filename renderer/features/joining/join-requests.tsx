/** "N PCs ask to join": each waiting PC with its pairing code, to approve or refuse after comparing codes. */
import { useState } from 'react';
import { Icon } from '../../components/icons.tsx';
import type { JoinDecision, JoinRequest } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { useJoinRequests } from './use-join-requests.ts';

export function JoinRequests() {
  const api = useApi();
  const { requests, flood, refresh } = useJoinRequests();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (requests.length === 0 && !flood) return null;

  const decide = async (approve: boolean, decision: JoinDecision) => {
    setBusy(true);
    setError(null);
    try {
      await (approve ? api.approveJoin(decision) : api.refuseJoin(decision));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      refresh();
    }
  };
  const title = requests.length === 0 ? 'PCs ask to join' : requests.length === 1 ? '1 PC asks to join' : `${requests.length} PCs ask to join`;

  return (
    <section className="card join-requests" aria-labelledby="join-requests-title" data-testid="join-requests">
      <h2 id="join-requests-title">{title}</h2>
      {flood && (
        <p className="worker-warning" role="alert" data-testid="join-flood">
          <Icon name="warning" /> {flood.requests} requests from {flood.addresses} {flood.addresses === 1 ? 'address' : 'addresses'} in{' '}
          {Math.round(flood.windowSeconds / 60)} min
          {flood.hidden > 0 && <> ({flood.hidden} waiting whose PC no longer asks, not listed)</>}:{' '}
          <button className="danger" disabled={busy} onClick={() => void decide(false, { all: true })}>
            Refuse all
          </button>
        </p>
      )}
      <p className="notice">
        Each PC shows a pairing code and the start of the certificate fingerprint it sees. Approve a PC only if its code is the same as here and its fingerprint
        starts like the one above.
      </p>
      {requests.length > 0 && (
        <table className="table cards">
          <thead>
            <tr>
              <th>PC</th>
              <th>Address</th>
              <th>OS</th>
              <th>Pairing code</th>
              <th>
                <span className="visually-hidden">Decision</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <RequestRow key={r.requestId} request={r} busy={busy} onDecide={(approve) => void decide(approve, { requestIds: [r.requestId] })} />
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {requests.length > 1 && (
        <div className="actions end">
          {/* The listed ids, not `all`: a PC that asked after the admin looked must not slip in unseen. */}
          <button className="primary" disabled={busy} onClick={() => void decide(true, { requestIds: requests.map((r) => r.requestId) })}>
            Approve all
          </button>
        </div>
      )}
    </section>
  );
}

function RequestRow({ request, busy, onDecide }: { request: JoinRequest; busy: boolean; onDecide: (approve: boolean) => void }) {
  return (
    <tr data-request={request.requestId}>
      <td data-label="PC">
        <strong>{request.hostname}</strong>
        <div className="muted small mono">{request.workerId}</div>
        {request.conflict && (
          <div className="worker-warning small" data-testid="join-conflict">
            <Icon name="warning" /> {request.conflict}
          </div>
        )}
      </td>
      <td data-label="Address" className="mono small">
        {request.address}
      </td>
      <td data-label="OS">{request.os ?? '—'}</td>
      <td data-label="Code">
        <span className="pairing-code" data-testid="pairing-code">
          {request.pairingCode}
        </span>
      </td>
      <td>
        <div className="actions">
          <button className="primary small" disabled={busy} aria-label={`Approve ${request.hostname}`} onClick={() => onDecide(true)}>
            Approve
          </button>
          <button className="secondary small" disabled={busy} aria-label={`Refuse ${request.hostname}`} onClick={() => onDecide(false)}>
            Refuse
          </button>
        </div>
      </td>
    </tr>
  );
}
