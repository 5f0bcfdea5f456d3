import { useState } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { WorkerBadge } from '../../components/status-badge.tsx';
import { ago } from '../../lib/format.ts';
import { RevokeWorker } from './revoke-worker.tsx';
import { WorkerTags } from './worker-tags.tsx';

export function WorkersTable({
  workers,
  now,
  onJoin,
  onRevoke,
  onSetTags,
}: {
  workers: WorkerDto[];
  now: number;
  onJoin: () => void;
  /** Resolves with the coordinator's sentence; rejects with one. */
  onRevoke: (workerId: string) => Promise<string>;
  /** Rejects with the coordinator's sentence. */
  onSetTags: (workerId: string, tags: string[]) => Promise<void>;
}) {
  const [outcome, setOutcome] = useState<{ message: string; failed: boolean } | null>(null);
  if (workers.length === 0) {
    return (
      <EmptyState title="No workers yet">
        Start a worker on each lab PC.{' '}
        <button className="link" onClick={onJoin}>
          Show the join command
        </button>
      </EmptyState>
    );
  }
  const order = { busy: 0, idle: 1, offline: 2 } as const;
  const sorted = [...workers].sort((a, b) => order[a.status] - order[b.status] || a.hostname.localeCompare(b.hostname));
  const revoke = async (worker: WorkerDto) => {
    try {
      setOutcome({ message: await onRevoke(worker.workerId), failed: false });
    } catch (e) {
      setOutcome({ message: (e as Error).message, failed: true });
    }
  };
  return (
    <>
      {outcome && (
        <p className={outcome.failed ? 'error' : 'notice'} role={outcome.failed ? 'alert' : 'status'} data-testid="revoke-outcome">
          {outcome.message}
        </p>
      )}
      <table className="table workers-table" data-testid="workers">
        <thead>
          <tr>
            <th>Status</th>
            <th>Worker</th>
            <th>Tags</th>
            <th>OS</th>
            <th>CPUs</th>
            <th>Last seen</th>
            <th>Running</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((w) => (
            <tr key={w.workerId} data-worker={w.workerId}>
              <td>
                <WorkerBadge worker={w} />
              </td>
              <td>
                <strong className="worker-name">{w.hostname}</strong>
                <div className="muted small mono">{w.workerId}</div>
                {(w.warnings ?? []).map((warning) => (
                  <div key={warning} className="worker-warning small" data-testid="worker-warning">
                    ⚠ {warning}
                  </div>
                ))}
              </td>
              <td>
                <WorkerTags worker={w} onSave={onSetTags} />
              </td>
              <td>{w.os ?? '—'}</td>
              <td>{w.cpuCount ?? '—'}</td>
              <td title={new Date(w.lastHeartbeat).toLocaleString()}>{ago(w.lastHeartbeat, now)}</td>
              <td>
                {w.currentJobId ? (
                  <a href={`#/jobs/${w.currentJobId}`} className="mono small">
                    {w.currentJobId}
                  </a>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <RevokeWorker worker={w} onRevoke={revoke} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
