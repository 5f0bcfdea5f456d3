/** One run: its summary, filters, a tile per PC or zip (live), identical-output groups, and Cancel / Re-run failed / Export CSV. */
import { useEffect, useMemo, useState } from 'react';
import type { RunStatusDto, WorkerDto } from '../../../shared/api.ts';
import { History } from '../../components/history.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageError } from '../../components/page-error.tsx';
import { SaveAsTemplate } from '../../components/save-as-template.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { firstLine, time } from '../../lib/format.ts';
import { useLiveState } from '../../lib/live/live-provider.tsx';
import { useCan } from '../../lib/session-context.tsx';
import { offlineKey } from '../../lib/targets.ts';
import { useRunActions, type RunActions } from './run-actions.ts';
import { RunGroups } from './run-groups.tsx';
import { runDescription, runTitle, SummaryBar } from './run-summary.tsx';
import { RenameRunButton } from './run-rename.tsx';
import { isLaterAttempt, latestJobs, summaryOf } from './latest-attempts.ts';
import { TileGrid, useTiles } from './run-tiles.tsx';
import { Gradebook } from './gradebook-lazy.tsx';
import { SimilarityCheck } from './similarity.tsx';
import { useRunStatus } from './use-run-status.ts';
import { LatestChoice, RerunFailedButton, RunLineage } from './run-lineage.tsx';

export function RunPage({ runId, now }: { runId: string; now: number }) {
  const { workers } = useLiveState();
  const { status, error, reload } = useRunStatus(runId, offlineKey(workers));
  const actions = useRunActions(runId, reload);
  const [showLatest, setShowLatest] = useState(true);
  const latest = showLatest && (status?.latest.length ?? 0) > 0;
  const rows = useMemo(() => (status ? (latest ? latestJobs(status) : status.jobs) : []), [status, latest]);
  const offline = useMemo(() => new Set(workers.filter((w) => w.status === 'offline').map((w) => w.workerId)), [workers]);
  const tiles = useTiles(status, rows, workers);
  // The groups are this run's own jobs: a re-run tile names the job it replaced too.
  const names = useMemo(
    () => new Map(tiles.flatMap((t) => [[t.job.jobId, t.name] as const, ...(isLaterAttempt(t.job) ? [[t.job.replaces, t.name] as const] : [])])),
    [tiles],
  );
  const asksForFiles = useAsksForFiles(status?.jobs[0]?.jobId ?? null);
  const graded = status !== null && isGraded(status);

  if (!status && error) return <PageError what="Run" id={runId} error={error} back={{ href: '#/runs', label: 'All runs' }} onRetry={reload} />;
  if (!status) {
    return (
      <main className="page">
        <a href="#/runs" className="back">
          <Icon name="back" /> All runs
        </a>
        <p className="muted">Loading…</p>
      </main>
    );
  }

  const { notice } = actions;
  return (
    <main className="page run-page">
      <a href="#/runs" className="back">
        <Icon name="back" /> All runs
      </a>
      <RunHead status={status} workers={workers} actions={actions} hasFiles={asksForFiles || status.jobs.some((j) => j.tests)} graded={graded} />
      {notice && (
        <p className={notice.failed ? 'error' : 'notice'} role={notice.failed ? 'alert' : 'status'} data-testid="run-notice">
          {notice.text}
        </p>
      )}
      {status.latest.length > 0 && <LatestChoice latest={showLatest} reRun={status.latest.length} onChange={setShowLatest} />}
      <SummaryBar summary={latest ? summaryOf(rows, offline) : status.summary} />
      {graded ? <Gradebook runId={runId} rows={rows} own={status.jobs} reload={reload} /> : <TileGrid tiles={tiles} now={now} />}
      {graded && status.mode === 'map' && <SimilarityCheck runId={runId} />}
      <RunGroups status={status} names={names} />
      <History target={`run:${runId}`} version={`${status.name ?? ''} ${status.summary.pending + status.summary.running} ${status.latest.length}`} now={now} />
    </main>
  );
}

/** A grading run, or a map run whose zips are named by a students CSV: its page is a gradebook. */
function isGraded(status: RunStatusDto): boolean {
  return status.grading !== null || status.jobs.some((j) => j.student !== null);
}

/** Whether the run asks for result files: its jobs share its artifact patterns, which its status does not carry but its first job does. */
function useAsksForFiles(firstJobId: string | null): boolean {
  const api = useApi();
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
  return asksForFiles;
}

/**
 * The run's title and facts (commands, zip, when, limits, score pattern), and its actions; `hasFiles`: offer the result files' zip;
 * `graded`: its gradebook re-runs and exports, not the header.
 */
function RunHead(props: { status: RunStatusDto; workers: WorkerDto[]; actions: RunActions; hasFiles: boolean; graded: boolean }) {
  const { status, workers, actions, hasFiles, graded } = props;
  const { summary } = status;
  const { busy } = actions;
  const active = summary.pending + summary.running > 0;
  const [cancels, renames, reruns] = [useCan('postRunsCancel'), useCan('postRunsRename'), useCan('postRunsRerun')];
  return (
    <header className="job-head">
      <div className="run-title">
        <h1>{runTitle(status, workers)}</h1>
        <div className="muted small run-facts">
          {status.name && <span>{runDescription(status, workers)}</span>}
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
        <RunLineage status={status} />
      </div>
      <div className="actions">
        {active && cancels && (
          <button className="danger" disabled={busy} onClick={actions.cancel}>
            Cancel run
          </button>
        )}
        {renames && <RenameRunButton name={status.name} busy={busy} onSave={actions.rename} />}
        {summary.failed > 0 && !graded && reruns && <RerunFailedButton failed={summary.failed} busy={busy} onConfirm={actions.rerunFailed} />}
        {hasFiles && (
          <button className="secondary" disabled={busy} onClick={actions.downloadFiles} data-testid="run-artifacts">
            Download all result files (zip)
          </button>
        )}
        {!graded && (
          <button className="secondary" disabled={busy} onClick={actions.exportCsv}>
            Export CSV
          </button>
        )}
        <SaveAsTemplate from={{ runId: status.runId }} />
      </div>
    </header>
  );
}
