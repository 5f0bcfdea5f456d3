/** A run's jobs as a compact grid of tiles, one per PC (each) or per zip (map); memoized so 1,000 tiles stay smooth. */
import { memo, useMemo, useState } from 'react';
import type { RunStatusDto, WorkerDto } from '../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { holdReason, runningMs } from '../../../shared/on-hold.ts';
import { spanOf } from '../../lib/format.ts';
import { displayName } from '../../lib/targets.ts';
import { inFilter, pcName, TILE_FILTERS, TILE_LOOK, tileName, tileState, waitReason, type Tile, type TileFilter, type TileState } from './tile-state.ts';
import { isLaterAttempt, type ShownJob } from './latest-attempts.ts';

/** `now` is only passed to running tiles (0 for the rest), so the clock's tick re-renders only them. */
export const RunTile = memo(function RunTile({
  job,
  name,
  pc,
  state,
  why,
  now,
}: {
  job: ShownJob;
  name: string;
  /** The PC it ran on, by the dashboard's name for it (null: not yet given to one). */
  pc: string | null;
  state: TileState;
  why: string | null;
  now: number;
}) {
  const look = TILE_LOOK[state];
  const label = state === 'exit' && job.exitCode !== null && job.exitCode !== 0 ? `Failed (exit ${job.exitCode})` : look.label;
  const facts: string[] = [];
  // A pass says exit 0 already, and a failed exit names its code in the label.
  if (state !== 'exit' && state !== 'passed' && job.exitCode !== null) facts.push(`exit ${job.exitCode}`);
  // Why it holds or waits: a sentence that wraps inside the tile rather than running out of it.
  const reason = state === 'onhold' && job.suspendedSince ? holdReason(job.suspendedSince) : why && state !== 'waiting' ? why : null;
  // The time it ran: it stops while the job is on hold.
  const ran = runningMs(job, now || job.completedAt || job.startedAt || 0);
  if (job.startedAt && ran !== null) facts.push(spanOf(ran));
  if (isLaterAttempt(job)) facts.push('re-run');
  // The title names the PC as the dashboard does (a map tile's own name is its zip), and its id where that differs: cloned PCs share names.
  const id = job.workerId && job.workerId !== (pc ?? name) ? ` (${job.workerId})` : '';
  const title = `${name}${pc && pc !== name ? ` on ${pc}` : ''}${id}: ${job.errorMessage ?? label}`;
  return (
    <li className={`tile tile-${state}`} data-job={job.jobId} data-status={state}>
      <a href={`#/jobs/${job.jobId}`} title={title}>
        <span className="tile-name">
          <span className="tile-icon">
            <Icon name={look.icon} />
          </span>
          <span className="tile-text">{name}</span>
        </span>
        <span className="tile-facts">
          <span className="tile-label">{label}</span>
          {reason && <span className="tile-why">{reason}</span>}
          {facts.map((fact) => (
            <span key={fact}>{fact}</span>
          ))}
          {job.score !== null && <span className="tile-score">score {String(job.score)}</span>}
          {job.tests && (
            <span className="tile-tests" data-testid="tile-tests">
              {job.tests.passed}/{job.tests.total} tests
            </span>
          )}
        </span>
      </a>
    </li>
  );
});

/** The tiles of `rows` (the run's jobs, or its latest attempts), named by the live feed's worker names and marked waiting while their PC is offline. */
export function useTiles(status: RunStatusDto | null, rows: readonly ShownJob[], workers: WorkerDto[]): Tile[] {
  const offline = useMemo(() => new Set(workers.filter((w) => w.status === 'offline').map((w) => w.workerId)), [workers]);
  const byId = useMemo(() => new Map(workers.map((w) => [w.workerId, w])), [workers]);
  const workerNames = useMemo(() => new Map(workers.map((w) => [w.workerId, displayName(w)])), [workers]);
  return useMemo(
    () =>
      rows.map((job) => ({
        job,
        name: tileName(job, status!.mode, workerNames),
        pc: pcName(job, workerNames),
        state: tileState(job, job.workerId !== null && offline.has(job.workerId)),
        why: waitReason(job, job.workerId === null ? undefined : byId.get(job.workerId)),
      })),
    [status, rows, offline, workerNames, byId],
  );
}

/** The filters (each with its count) and the tiles they let through. */
export function TileGrid({ tiles, now }: { tiles: Tile[]; now: number }) {
  const [filter, setFilter] = useState<TileFilter>('all');
  const counts = Object.fromEntries(Object.keys(TILE_FILTERS).map((f) => [f, tiles.filter((t) => inFilter(t.state, f as TileFilter)).length])) as Record<
    TileFilter,
    number
  >;
  const shown = tiles.filter((t) => inFilter(t.state, filter));
  return (
    <>
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
            <RunTile key={t.job.jobId} job={t.job} name={t.name} pc={t.pc} state={t.state} why={t.why} now={t.state === 'running' ? now : 0} />
          ))}
        </ul>
      )}
    </>
  );
}
