/**
 * The workers in the API's order (by name), rows that never jump as their status changes: status (and
 * why one waits), name (id on hover), tags, the job it runs by file and command, Wake (an offline PC)
 * and Manage (rename, pause, power, forget, revoke). A re-installed PC is offered to replace its offline namesake.
 */
import { useState } from 'react';
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { WorkerBadge } from '../../components/status-badge.tsx';
import { describePolicy } from '../../../shared/policy.ts';
import { useCan } from '../../lib/session-context.tsx';
import { useRovingRows } from '../../lib/use-roving-rows.ts';
import type { RowPlace } from '../../lib/use-virtual-rows.ts';
import { VirtualTable } from '../../components/virtual-table.tsx';
import { powerNote, workerStatus } from '../../lib/worker-state.ts';
import { ago, clock, firstLine } from '../../lib/format.ts';
import { displayName, workerName } from '../../lib/targets.ts';
import { useWorkerActions } from './use-worker-actions.ts';
import { WorkerDialog, type WorkerActions } from './worker-dialog.tsx';
import { WorkerTags } from './worker-tags.tsx';

/** The small line under a worker's status: why it waits, or that it pauses after its job. */
export function statusNote(w: WorkerDto, now = Date.now()): string | null {
  const power = powerNote(w, now);
  if (power) return power;
  const s = workerStatus(w);
  if (s === 'waiting') return w.availabilityReason ?? 'Waiting: its policy keeps it from jobs now.';
  if (s === 'busy' && (w.pausedByAdmin || w.paused)) return 'Pausing after this job';
  if (s === 'paused') {
    const at = w.pausedByAdmin ? w.pausedByAdminAt : w.pausedAt;
    return `${w.pausedByAdmin ? 'Paused from the dashboard' : 'Paused at the PC'}${at ? ` at ${clock(at)}` : ''}`;
  }
  return null;
}

export function WorkersTable({ workers, jobs, now, onJoin }: { workers: WorkerDto[]; jobs: ReadonlyMap<string, JobDto>; now: number; onJoin: () => void }) {
  const actions = useWorkerActions();
  const { outcome, setOutcome, replace, wake, waking } = useRowActions(actions);
  const [managing, setManaging] = useState<string | null>(null);
  // One tab stop for the whole list; Enter on a row opens its Manage dialog.
  const rows = useRovingRows((row) => row.dataset.worker && setManaging(row.dataset.worker));
  const admitsWorkers = useCan('postJoinTokenRotate');
  if (workers.length === 0) {
    return (
      <EmptyState title="No workers yet">
        Start a worker on each lab PC.{' '}
        {admitsWorkers && (
          <button className="link" onClick={onJoin}>
            Show the join command
          </button>
        )}
      </EmptyState>
    );
  }
  const managed = managing ? workers.find((w) => w.workerId === managing) : undefined;

  return (
    <>
      {outcome && (
        <p className={outcome.failed ? 'error' : 'notice'} role={outcome.failed ? 'alert' : 'status'} data-testid="workers-outcome">
          {outcome.message}
        </p>
      )}
      {/* Only the rows on screen are drawn: a lab of 1,000 PCs is a few dozen rows in the page. */}
      <VirtualTable
        className="table cards workers-table"
        testId="workers"
        head={<WorkersHead />}
        columns={8}
        count={workers.length}
        rowKey={(i) => workers[i]?.workerId ?? String(i)}
        bodyRef={rows}
        row={(place) => {
          const w = workers[place.index]!;
          return (
            <WorkerRow
              key={w.workerId}
              index={place.index}
              measure={place.measure}
              worker={w}
              workers={workers}
              job={w.currentJobId ? jobs.get(w.currentJobId) : undefined}
              now={now}
              onReplace={(replaces) => void replace(w, replaces)}
              onManage={() => setManaging(w.workerId)}
              onSaveTags={actions.setTags}
              waking={waking.has(w.workerId)}
              onWake={() => void wake(w.workerId)}
            />
          );
        }}
      />
      {managed && (
        <WorkerDialog
          key={managed.workerId}
          worker={managed}
          actions={actions}
          now={now}
          onClose={(message) => {
            setManaging(null);
            if (message) setOutcome({ message, failed: false });
          }}
        />
      )}
    </>
  );
}

function WorkersHead() {
  return (
    <tr>
      <th>Status</th>
      <th>Worker</th>
      <th>Tags</th>
      <th className="col-detail">OS</th>
      <th className="col-detail">CPUs</th>
      <th>Last seen</th>
      <th>Running</th>
      <th>
        <span className="visually-hidden">Actions</span>
      </th>
    </tr>
  );
}

/** The row's own actions (replace, wake), each ending in a sentence above the table; which PCs are being woken. */
function useRowActions(actions: WorkerActions) {
  const [outcome, setOutcome] = useState<{ message: string; failed: boolean } | null>(null);
  const [waking, setWaking] = useState<ReadonlySet<string>>(new Set());
  const say = async (what: () => Promise<string>) => {
    try {
      setOutcome({ message: await what(), failed: false });
    } catch (e) {
      setOutcome({ message: (e as Error).message, failed: true });
    }
  };
  const replace = (worker: WorkerDto, replaces: string) => say(() => actions.replace(worker.workerId, replaces));
  const wake = async (workerId: string) => {
    setWaking((s) => new Set(s).add(workerId));
    await say(() => actions.wake([workerId]));
    setWaking((s) => new Set([...s].filter((id) => id !== workerId)));
  };
  return { outcome, setOutcome, replace, wake, waking };
}

/** One worker's row; `job`: the job it runs, when the live feed has it (else the row says "its job"). */
function WorkerRow({
  index,
  measure,
  worker: w,
  workers,
  job,
  now,
  onReplace,
  onManage,
  onSaveTags,
  waking,
  onWake,
}: RowPlace & {
  worker: WorkerDto;
  workers: WorkerDto[];
  job: JobDto | undefined;
  now: number;
  onReplace: (replaces: string) => void;
  onManage: () => void;
  waking: boolean;
  onWake: () => void;
  onSaveTags: (workerId: string, tags: string[]) => Promise<void>;
}) {
  const name = displayName(w);
  const note = statusNote(w, now);
  const replaces = useCan('postWorkersReplace');
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} data-worker={w.workerId} data-status={workerStatus(w)}>
      <td data-label="Status" title={w.policy ? `Policy: ${describePolicy(w.policy)}` : undefined}>
        <WorkerBadge worker={w} />
        {note && (
          <div className="small status-note" data-testid="worker-note">
            {note}
          </div>
        )}
      </td>
      <td data-label="Worker">
        <strong className="worker-name" title={w.workerId}>
          {name}
        </strong>
        {(w.warnings ?? []).map((warning) => (
          <div key={warning} className="worker-warning small" data-testid="worker-warning">
            <Icon name="warning" /> {warning}
          </div>
        ))}
        {w.replaces && replaces && (
          <button className="secondary small replace" data-testid="replace-offer" onClick={() => onReplace(w.replaces!)}>
            Replace {workerName(w.replaces, workers)} (offline)
          </button>
        )}
      </td>
      <td data-label="Tags">
        <WorkerTags worker={w} onSave={onSaveTags} />
      </td>
      <td data-label="OS" className="col-detail">
        {w.os ?? '—'}
      </td>
      <td data-label="CPUs" className="col-detail">
        {w.cpuCount ?? '—'}
      </td>
      <td data-label="Last seen" className="last-seen" title={new Date(w.lastHeartbeat).toLocaleString()}>
        {ago(w.lastHeartbeat, now)}
      </td>
      <td data-label="Running" className="running-cell">
        {w.currentJobId ? (
          <a href={`#/jobs/${w.currentJobId}`} title={w.currentJobId} data-testid="worker-job">
            <strong>{job?.filename ?? 'its job'}</strong>
            {job && <span className="muted small mono ellipsis">{firstLine(job.command)}</span>}
          </a>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <RowActions worker={w} waking={waking} onWake={onWake} onManage={onManage} />
    </tr>
  );
}

/** Wake (an offline PC: "Waking…" until the coordinator answers) and Manage (Details for a role that only reads). */
function RowActions({ worker, waking, onWake, onManage }: { worker: WorkerDto; waking: boolean; onWake: () => void; onManage: () => void }) {
  const name = displayName(worker);
  const wakes = useCan('postWorkersWake');
  if (!wakes)
    return (
      <td className="row-actions">
        <button className="secondary small" aria-label={`Details of ${name}`} title={`${name}: its facts and history`} onClick={onManage}>
          <Icon name="more" /> <span className="label-wide">Details</span>
        </button>
      </td>
    );
  return (
    <td className="row-actions">
      {worker.status === 'offline' && (
        <button
          className="secondary small"
          aria-label={`Wake ${name}`}
          title={`Wake ${name} with a magic packet (Wake-on-LAN)`}
          disabled={waking}
          onClick={onWake}
        >
          {waking ? 'Waking…' : 'Wake'}
        </button>
      )}
      <button className="secondary small" aria-label={`Manage ${name}`} title={`Rename, pause, wake, power off, forget or revoke ${name}`} onClick={onManage}>
        <Icon name="more" /> <span className="label-wide">Manage</span>
      </button>
    </td>
  );
}
