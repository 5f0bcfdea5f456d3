/** Jobs, newest first, filtered by status and paged from the API so 100,000 jobs stay fast. */
import { useEffect, useState } from 'react';
import { LIMITS, type JobDto } from '../../../shared/api.ts';
import { JOB_STATUSES, type JobStatus } from '../../../shared/job-status.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { JobBadge } from '../../components/status-badge.tsx';
import type { CoordinatorApi } from '../../lib/api.ts';
import { duration, firstLine, time } from '../../lib/format.ts';

export function JobsTable({ api, live, epoch, now }: { api: CoordinatorApi; live: Map<string, JobDto>; epoch: number; now: number }) {
  const [filter, setFilter] = useState<JobStatus | ''>('');
  const [older, setOlder] = useState<JobDto[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The first page comes with the live feed; a filter or "older" pages are read from the API.
  useEffect(() => {
    setOlder([]);
    setCursor(null);
    if (!filter) {
      const first = [...live.values()];
      setMore(first.length >= LIMITS.jobsPageSize);
      setCursor(first.at(-1)?.jobId ?? null);
      return;
    }
    api.jobs(filter, null).then((page) => {
      setOlder(page.jobs);
      setCursor(page.nextBefore);
      setMore(page.nextBefore !== null);
    }, (e: Error) => setError(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter, epoch, api]);

  const loadMore = async () => {
    try {
      const page = await api.jobs(filter, cursor);
      setOlder((o) => [...o, ...page.jobs]);
      setCursor(page.nextBefore);
      setMore(page.nextBefore !== null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const merged = new Map<string, JobDto>();
  if (!filter) for (const [id, j] of live) merged.set(id, j);
  for (const j of older) merged.set(j.jobId, live.get(j.jobId) ?? j);
  const rows = [...merged.values()].filter((j) => !filter || j.status === filter).sort((a, b) => b.createdAt - a.createdAt);

  return (
    <div>
      <div className="toolbar" role="group" aria-label="Filter jobs by status">
        {(['', ...JOB_STATUSES] as const).map((s) => (
          <button key={s || 'all'} className={`chip ${filter === s ? 'active' : ''}`} aria-pressed={filter === s} onClick={() => setFilter(s)}>
            {s || 'all'}
          </button>
        ))}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {rows.length === 0 ? (
        <EmptyState title={filter ? `No ${filter} jobs` : 'No jobs yet'}>{filter ? 'Pick another filter.' : 'Upload a zip with the form to run your first job.'}</EmptyState>
      ) : (
        <table className="table" data-testid="jobs">
          <thead>
            <tr><th>Status</th><th>Job</th><th>Worker</th><th>Created</th><th>Duration</th></tr>
          </thead>
          <tbody>
            {rows.map((j) => (
              <tr key={j.jobId} data-job={j.jobId}>
                <td><JobBadge job={j} /></td>
                <td>
                  <a href={`#/jobs/${j.jobId}`}><strong>{j.filename}</strong></a>
                  <div className="muted small mono ellipsis">{firstLine(j.command)}</div>
                </td>
                <td className="small mono">{j.workerId ?? '—'}</td>
                <td className="small">{time(j.createdAt)}</td>
                <td className="small">{duration(j.startedAt, j.completedAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && <button className="secondary" onClick={loadMore}>Load older jobs</button>}
    </div>
  );
}
