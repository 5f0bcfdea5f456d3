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
  const [error, setError] = useState<string | null>(null);
  // Pages read from the API, valid for one filter and one feed snapshot (a reconnect starts over).
  const [paged, setPaged] = useState<{ key: string; older: JobDto[]; cursor: string | null; more: boolean } | null>(null);
  const key = `${filter}|${epoch}`;
  const current = paged?.key === key ? paged : null;

  // The first page comes with the live feed; a filter's first page is read from the API.
  useEffect(() => {
    if (!filter) return;
    api.jobs(filter, null).then(
      (page) => setPaged({ key, older: page.jobs, cursor: page.nextBefore, more: page.nextBefore !== null }),
      (e: Error) => setError(e.message),
    );
  }, [key, filter, api]);

  const first = filter ? [] : [...live.values()];
  const older = current?.older ?? [];
  const cursor = current ? current.cursor : (first.at(-1)?.jobId ?? null);
  const more = current ? current.more : first.length >= LIMITS.jobsPageSize;

  const loadMore = async () => {
    try {
      const page = await api.jobs(filter, cursor);
      setPaged({ key, older: [...older, ...page.jobs], cursor: page.nextBefore, more: page.nextBefore !== null });
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
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {rows.length === 0 ? (
        <EmptyState title={filter ? `No ${filter} jobs` : 'No jobs yet'}>
          {filter ? 'Pick another filter.' : 'Upload a zip with the form to run your first job.'}
        </EmptyState>
      ) : (
        <table className="table" data-testid="jobs">
          <thead>
            <tr>
              <th>Status</th>
              <th>Job</th>
              <th>Worker</th>
              <th>Created</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((j) => (
              <tr key={j.jobId} data-job={j.jobId}>
                <td>
                  <JobBadge job={j} />
                </td>
                <td>
                  <a href={`#/jobs/${j.jobId}`}>
                    <strong>{j.filename}</strong>
                  </a>
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
      {more && (
        <button className="secondary" onClick={() => void loadMore()}>
          Load older jobs
        </button>
      )}
    </div>
  );
}
