/** The dashboard's top bar: the lab in one line (workers and jobs by state), the live feed's status, Saved commands, New job, Add a worker (each when the role may), who is signed in. */
import type { WorkerDto } from '../../shared/api.ts';
import type { JobCounts } from '../../shared/job-status.ts';
import { Icon } from '../components/icons.tsx';
import { useLiveState } from '../lib/live/live-provider.tsx';
import { useCan } from '../lib/session-context.tsx';
import { workerStatus, type WorkerState } from '../lib/worker-state.ts';
import { AccountMenu } from './account-menu.tsx';

/** "2 idle · 1 busy · 1 waiting": the states present, in a fixed order. */
function workerSummary(workers: readonly WorkerDto[]): string {
  const counts: Record<WorkerState, number> = { idle: 0, busy: 0, onhold: 0, waiting: 0, paused: 0, offline: 0 };
  for (const w of workers) counts[workerStatus(w)]++;
  const parts = (Object.keys(counts) as WorkerState[]).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s === 'onhold' ? 'on hold' : s}`);
  return `${workers.length} ${workers.length === 1 ? 'PC' : 'PCs'}${parts.length ? `: ${parts.join(' · ')}` : ''}`;
}

function jobSummary(counts: JobCounts | null): string {
  if (!counts) return 'Jobs: …';
  const parts = [
    [counts.running, 'running'],
    [counts.pending, 'waiting'],
    [counts.passed, 'passed'],
    [counts.failed, 'failed'],
    [counts.cancelled, 'cancelled'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, word]) => `${n} ${word}`);
  return `Jobs: ${parts.length ? parts.join(' · ') : 'none yet'}`;
}

/** `canJoin`: the coordinator's details are read, so the join lines can be shown. */
export function TopBar({ canJoin, onJoin }: { canJoin: boolean; onJoin: () => void }) {
  const { workers, counts, connected } = useLiveState();
  const startsJobs = useCan('postJobsCreate');
  const admitsWorkers = useCan('postJoinTokenRotate');
  return (
    <header className="topbar">
      <a href="#/" className="brand">
        CMD Executor
      </a>
      <span className="summary" data-testid="header-summary">
        <span data-testid="header-workers">{workerSummary(workers)}</span>
        <span data-testid="header-jobs">{jobSummary(counts)}</span>
      </span>
      <span className={`conn ${connected ? 'on' : 'off'}`} role="status" data-testid="connection">
        <Icon name={connected ? 'dot' : 'ring'} /> <span className="conn-word">{connected ? 'Live' : 'Reconnecting…'}</span>
      </span>
      <a
        href="#/templates"
        className="button secondary top-button"
        aria-label="Saved commands"
        title="Saved commands and their schedules"
        data-testid="header-templates"
      >
        <Icon name="bookmark" /> <span className="label-wide">Saved commands</span>
      </a>
      {/* The main action within reach on a phone too, where the form sits below every worker and job. */}
      {startsJobs && (
        <a href="#/new" className="button primary top-button" data-testid="header-new-job">
          <Icon name="plus" /> New job
        </a>
      )}
      {admitsWorkers && (
        <button className="secondary top-button" onClick={onJoin} disabled={!canJoin} aria-label="Add a worker" title="Add a worker">
          <Icon name="plus" /> <span className="label-wide">Add a worker</span>
        </button>
      )}
      <AccountMenu />
    </header>
  );
}
