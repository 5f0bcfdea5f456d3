/**
 * Jobs under an outcome filter (All · Active · Passed · Failed · Cancelled, each with its live count),
 * active first: running jobs, then the waiting ones folded into one row ("27 waiting — next:
 * project.zip") that expands, then the ones that ended, most recent first. Paged from the API so
 * 100,000 jobs stay fast; on a phone each row is a card.
 */
import { useState } from 'react';
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import type { JobCounts } from '../../../shared/job-status.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { JobBadge } from '../../components/status-badge.tsx';
import { runningMs } from '../../../shared/on-hold.ts';
import { firstLine, spanOf, time } from '../../lib/format.ts';
import { navigate } from '../../lib/navigate.ts';
import { useRovingRows } from '../../lib/use-roving-rows.ts';
import type { RowPlace } from '../../lib/use-virtual-rows.ts';
import { VirtualTable } from '../../components/virtual-table.tsx';
import { workerName } from '../../lib/targets.ts';
import { JOB_FILTERS, useJobList, type JobFilter } from './use-job-list.ts';
import { useJobRows } from './use-job-rows.ts';

/** A row of the list: a job, or the waiting jobs' fold. */
type Line = JobDto | 'group';
const lineKey = (line: Line | undefined): string => (line === undefined || line === 'group' ? 'group' : line.jobId);

const EMPTY: Record<JobFilter, [string, string]> = {
  all: ['No jobs yet', 'Upload a zip with the form to run your first job.'],
  active: ['Nothing running or waiting', 'New jobs show here while they wait and run.'],
  passed: ['No passed jobs', 'Jobs whose commands all exit with code 0 show here.'],
  failed: ['No failed jobs', 'A non-zero exit, an error, a timeout or a lost worker shows here.'],
  cancelled: ['No cancelled jobs', 'Pick another filter.'],
};

export function JobsTable({
  live,
  counts,
  olderThan,
  epoch,
  workers,
  now,
}: {
  live: Map<string, JobDto>;
  counts: JobCounts | null;
  olderThan: string | null;
  epoch: number;
  workers: readonly WorkerDto[];
  now: number;
}) {
  const [filter, setFilter] = useState<JobFilter>('all');
  const [open, setOpen] = useState(false);
  const list = useJobList(filter, live, olderThan, epoch);
  const { running, pending, ended, waiting } = useJobRows(list.jobs, filter, counts, live, epoch);
  // One tab stop for the whole list; Enter on a row opens its job (or the waiting jobs' fold).
  const roving = useRovingRows((row) => (row.dataset.job ? navigate(`#/jobs/${row.dataset.job}`) : row.querySelector('button')?.click()));

  const lines = linesOf(running, pending, ended, waiting, open);

  return (
    <div>
      <JobFilters
        filter={filter}
        counts={counts}
        onPick={(key) => {
          setFilter(key);
          setOpen(false);
        }}
      />
      {list.error && (
        <p className="error" role="alert">
          {list.error}
        </p>
      )}
      {lines.length === 0 ? (
        list.loading ? (
          <p className="muted">Loading…</p>
        ) : (
          <EmptyState title={EMPTY[filter][0]}>{EMPTY[filter][1]}</EmptyState>
        )
      ) : (
        <VirtualTable
          className="table cards jobs-table"
          testId="jobs"
          head={<JobsHead />}
          columns={5}
          count={lines.length}
          rowKey={(i) => lineKey(lines[i])}
          bodyRef={roving}
          row={(place) => {
            const line = lines[place.index]!;
            return line === 'group' ? (
              <PendingGroup
                key="group"
                index={place.index}
                measure={place.measure}
                waiting={waiting}
                next={pending[0]!}
                open={open}
                onToggle={() => setOpen(!open)}
              />
            ) : (
              <JobRow key={line.jobId} index={place.index} measure={place.measure} job={line} workers={workers} now={now} />
            );
          }}
        />
      )}
      {list.more && (
        <button className="secondary load-more" onClick={() => void list.loadMore()}>
          Load older jobs
        </button>
      )}
    </div>
  );
}

/**
 * The rows in order: running, the waiting ones (folded into one row, or open), then the ended ones.
 * Only those on screen are drawn: 'Load older jobs' may have read thousands.
 */
function linesOf(running: JobDto[], pending: JobDto[], ended: JobDto[], waiting: number, open: boolean): Line[] {
  return [
    ...running,
    ...(pending.length === 1 && waiting === 1 ? [pending[0]!] : []),
    ...(waiting > 1 && pending.length > 0 ? ['group' as const] : []),
    ...(open && waiting > 1 ? pending : []),
    ...ended,
  ];
}

function JobsHead() {
  return (
    <tr>
      <th>Status</th>
      <th>Job</th>
      <th>Worker</th>
      <th className="col-detail">Created</th>
      <th>Duration</th>
    </tr>
  );
}

/** All · Active · Passed · Failed · Cancelled, each with its live count. */
function JobFilters({ filter, counts, onPick }: { filter: JobFilter; counts: JobCounts | null; onPick: (filter: JobFilter) => void }) {
  return (
    <div className="toolbar" role="group" aria-label="Filter jobs by outcome">
      {JOB_FILTERS.map(({ key, label }) => (
        <button key={key} className={`chip ${filter === key ? 'active' : ''}`} aria-pressed={filter === key} data-filter={key} onClick={() => onPick(key)}>
          {label}{' '}
          <span className="chip-count" data-testid={`count-${key}`}>
            {counts ? counts[key] : '…'}
          </span>
        </button>
      ))}
    </div>
  );
}

/** The waiting jobs folded into one row ("27 waiting — next: project.zip") that opens to list them. */
function PendingGroup({ index, measure, waiting, next, open, onToggle }: RowPlace & { waiting: number; next: JobDto; open: boolean; onToggle: () => void }) {
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} className="pending-group" data-testid="pending-group">
      <td colSpan={5}>
        <button className="group-toggle" aria-expanded={open} onClick={onToggle}>
          <Icon name="chevron" className={open ? 'turned' : ''} />
          <span className="badge badge-pending">
            <Icon name="clock" /> {waiting} waiting
          </span>
          <span className="ellipsis">
            — next: <strong>{next.filename}</strong>
          </span>
        </button>
      </td>
    </tr>
  );
}

function JobRow({ index, measure, job, workers, now }: RowPlace & { job: JobDto; workers: readonly WorkerDto[]; now: number }) {
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} data-job={job.jobId} data-status={job.status}>
      <td data-label="Status">
        <JobBadge job={job} />
      </td>
      <td data-label="Job" className="job-cell">
        <a href={`#/jobs/${job.jobId}`} title={job.jobId}>
          <strong>{job.filename}</strong>
        </a>
        <div className="muted small mono ellipsis">{firstLine(job.command)}</div>
        {job.runId && (
          <a href={`#/runs/${job.runId}`} className="small" data-testid="job-run-link">
            part of a run
          </a>
        )}
      </td>
      <td data-label="Worker" className="small" title={job.workerId ?? undefined} data-testid="job-worker">
        {job.workerId ? workerName(job.workerId, workers) : '—'}
      </td>
      <td data-label="Created" className="small col-detail">
        {time(job.createdAt)}
      </td>
      <td data-label="Duration" className="small">
        {job.startedAt ? spanOf(runningMs(job, now)) : '—'}
      </td>
    </tr>
  );
}
