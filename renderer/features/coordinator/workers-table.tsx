import type { WorkerDto } from '../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { WorkerBadge } from '../../components/status-badge.tsx';
import { ago } from '../../lib/format.ts';

export function WorkersTable({ workers, now, onJoin }: { workers: WorkerDto[]; now: number; onJoin: () => void }) {
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
  return (
    <table className="table" data-testid="workers">
      <thead>
        <tr>
          <th>Status</th>
          <th>Worker</th>
          <th>OS</th>
          <th>CPUs</th>
          <th>Last seen</th>
          <th>Running</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((w) => (
          <tr key={w.workerId} data-worker={w.workerId}>
            <td>
              <WorkerBadge worker={w} />
            </td>
            <td>
              <strong>{w.hostname}</strong>
              <div className="muted small mono">{w.workerId}</div>
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
