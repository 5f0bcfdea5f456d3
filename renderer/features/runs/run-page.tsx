/** One run: its summary, filters, a tile per PC or zip (live), identical-output groups, and Cancel / Re-run failed / Export CSV. */
import { useEffect, useMemo, useState } from 'react';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { firstLine, time } from '../../lib/format.ts';
import { useLiveState } from '../../lib/live/live-provider.tsx';
import { navigate } from '../../lib/navigate.ts';
import { displayName, offlineKey } from '../../lib/targets.ts';
import { saveBlob } from '../../lib/save-file.ts';
import { RunGroups } from './run-groups.tsx';
import { runTitle, SummaryBar } from './run-summary.tsx';
import { inFilter, RunTile, TILE_FILTERS, tileName, tileState, type TileFilter } from './run-tiles.tsx';
import { useRunStatus } from './use-run-status.ts';

export function RunPage({ runId, now }: { runId: string; now: number }) {
  const api = useApi();
  const { workers } = useLiveState();
  const { status, error, reload } = useRunStatus(runId, offlineKey(workers));
  const [filter, setFilter] = useState<TileFilter>('all');
  const [notice, setNotice] = useState<{ text: string; failed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const offline = useMemo(() => new Set(workers.filter((w) => w.status === 'offline').map((w) => w.workerId)), [workers]);
  const workerNames = useMemo(() => new Map(workers.map((w) => [w.workerId, displayName(w)])), [workers]);
  const tiles = useMemo(
    () =>
      (status?.jobs ?? []).map((job) => ({
        job,
        name: tileName(job, status!.mode, workerNames),
        state: tileState(job, job.workerId !== null && offline.has(job.workerId)),
      })),
    [status, offline, workerNames],
  );
  const names = useMemo(() => new Map(tiles.map((t) => [t.job.jobId, t.name])), [tiles]);
  // A run's jobs share its artifact patterns; the run's status does not carry them, its first job does.
  const firstJobId = status?.jobs[0]?.jobId ?? null;
  const [asksForFiles, setAsksForFiles] = useState(false);
  useEffect(() => {
    if (!firstJobId) return;
    let current = true;
    api.job(firstJobId).then(
      (job) => current && setAsksForFiles((job.artifactPatterns ?? []).length > 0),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, firstJobId]);

  if (!status) {
    return (
      <main className="page">
        <a href="#/runs" className="back">
          <Icon name="back" /> All runs
        </a>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );
  }

  const counts = Object.fromEntries(Object.keys(TILE_FILTERS).map((f) => [f, tiles.filter((t) => inFilter(t.state, f as TileFilter)).length])) as Record<
    TileFilter,
    number
  >;
  const shown = tiles.filter((t) => inFilter(t.state, filter));
  const { summary } = status;
  const active = summary.pending + summary.running > 0;

  const act = async (what: () => Promise<string | void>) => {
    setBusy(true);
    try {
      const text = await what();
      if (text) setNotice({ text, failed: false });
      reload();
    } catch (e) {
      setNotice({ text: (e as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };
  const cancel = () =>
    act(async () => {
      const r = await api.cancelRun(runId);
      return `Cancelled ${r.cancelled} waiting ${r.cancelled === 1 ? 'job' : 'jobs'}${r.cancelling ? `; ${r.cancelling} running ${r.cancelling === 1 ? 'job stops' : 'jobs stop'} when ${r.cancelling === 1 ? 'its PC confirms' : 'their PCs confirm'}` : ''}.`;
    });
  const rerunFailed = () =>
    act(async () => {
      const created = await api.rerunRun(runId, 'failed');
      navigate(`#/runs/${created.runId}`);
    });
  const downloadFiles = () =>
    act(async () => {
      const { blob, fileName } = await api.downloadRunArtifacts(runId);
      saveBlob(blob, fileName);
    });
  const exportCsv = () =>
    act(async () => {
      const { blob, fileName } = await api.exportRun(runId, 'csv');
      saveBlob(blob, fileName);
    });

  return (
    <main className="page run-page">
      <a href="#/runs" className="back">
        <Icon name="back" /> All runs
      </a>
      <header className="job-head">
        <div className="run-title">
          <h1>{runTitle(status, workers)}</h1>
          <div className="muted small run-facts">
            <code className="ellipsis" title={status.command}>
              {firstLine(status.command)}
            </code>
            <span>{status.mode === 'each' ? (status.filename ?? '(no zip)') : 'one job per zip'}</span>
            <span>created {time(status.createdAt)}</span>
            {status.maxParallel !== null && <span>at most {status.maxParallel} at once</span>}
            {status.scorePattern && (
              <span>
                score pattern <code>{status.scorePattern}</code>
              </span>
            )}
          </div>
        </div>
        <div className="actions">
          {active && (
            <button className="danger" disabled={busy} onClick={() => void cancel()}>
              Cancel run
            </button>
          )}
          {summary.failed > 0 && (
            <button className="secondary" disabled={busy} onClick={() => void rerunFailed()}>
              Re-run failed
            </button>
          )}
          {(asksForFiles || status.jobs.some((j) => j.tests)) && (
            <button className="secondary" disabled={busy} onClick={() => void downloadFiles()} data-testid="run-artifacts">
              Download all result files (zip)
            </button>
          )}
          <button className="secondary" disabled={busy} onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </div>
      </header>
      {notice && (
        <p className={notice.failed ? 'error' : 'notice'} role={notice.failed ? 'alert' : 'status'} data-testid="run-notice">
          {notice.text}
        </p>
      )}
      <SummaryBar summary={summary} />
      <div className="toolbar" role="group" aria-label="Filter the run's jobs">
        {(Object.keys(TILE_FILTERS) as TileFilter[]).map((f) => (
          <button key={f} className={`chip ${filter === f ? 'active' : ''}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f} <span className="chip-count">{counts[f]}</span>
          </button>
        ))}
      </div>
      {shown.length === 0 ? (
        <EmptyState title={`No ${filter} jobs`}>Pick another filter.</EmptyState>
      ) : (
        <ul className="tiles" data-testid="run-tiles" aria-label="Jobs of this run">
          {shown.map((t) => (
            <RunTile key={t.job.jobId} job={t.job} name={t.name} state={t.state} now={t.state === 'running' ? now : 0} />
          ))}
        </ul>
      )}
      <RunGroups status={status} names={names} />
    </main>
  );
}
