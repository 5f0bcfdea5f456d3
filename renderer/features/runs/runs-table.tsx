/** Runs, newest first, each with its summary; read again (at most twice a second) while their jobs change. */
import { useCallback, useState } from 'react';
import type { JobDto, RunDto, WorkerDto } from '../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { firstLine, time } from '../../lib/format.ts';
import { useLiveState } from '../../lib/live/live-provider.tsx';
import { useJobChanges } from '../../lib/live/use-job-changes.ts';
import { offlineKey } from '../../lib/targets.ts';
import { runDescription, runTitle, summaryText, SummaryBar } from './run-summary.tsx';

const REFRESH_MS = 500;
const inAnyRun = (job: JobDto) => job.runId !== null && job.runId !== undefined;

export function RunsTable() {
  const api = useApi();
  const { workers } = useLiveState();
  const [first, setFirst] = useState<{ runs: RunDto[]; total: number; nextBefore: string | null } | null>(null);
  const [older, setOlder] = useState<RunDto[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  // The first page follows the live feed; older pages are read once, on demand.
  const reload = useCallback(() => {
    api.runs(null).then(
      (page) => {
        setFirst(page);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [api]);
  useJobChanges(inAnyRun, reload, REFRESH_MS, offlineKey(workers));

  const loadMore = async () => {
    try {
      const page = await api.runs(cursor === undefined ? (first?.nextBefore ?? null) : cursor);
      setOlder((o) => [...o, ...page.runs]);
      setCursor(page.nextBefore);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (!first) return error ? <p className="error">{error}</p> : <p className="muted">Loading…</p>;
  const seen = new Set(first.runs.map((r) => r.runId));
  const runs = [...first.runs, ...older.filter((r) => !seen.has(r.runId))];
  const more = cursor === undefined ? first.nextBefore !== null : cursor !== null;

  return (
    <div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {runs.length === 0 ? (
        <EmptyState title="No runs yet">Choose &quot;Every PC&quot; in the form, or drop several zips, to run on many PCs at once.</EmptyState>
      ) : (
        <table className="table cards" data-testid="runs">
          <thead>
            <tr>
              <th>Progress</th>
              <th>Run</th>
              <th>Mode</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow key={r.runId} run={r} workers={workers} />
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button className="secondary" onClick={() => void loadMore()}>
          Load older runs
        </button>
      )}
    </div>
  );
}

function RunRow({ run, workers }: { run: RunDto; workers: WorkerDto[] }) {
  return (
    <tr data-run={run.runId}>
      <td data-label="Progress" className="run-cell">
        <div className="small">{summaryText(run.summary)}</div>
        <SummaryBar summary={run.summary} compact />
      </td>
      <td data-label="Run">
        <a href={`#/runs/${run.runId}`}>
          <strong>{runTitle(run, workers)}</strong>
        </a>
        {run.name && <div className="small">{runDescription(run, workers)}</div>}
        <div className="muted small mono ellipsis">{firstLine(run.command)}</div>
      </td>
      <td data-label="Mode" className="small">
        {run.mode === 'each' ? 'one job per PC' : 'one job per zip'}
      </td>
      <td data-label="Created" className="small">
        {time(run.createdAt)}
      </td>
    </tr>
  );
}
