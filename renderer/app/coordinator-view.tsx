/** The coordinator's dashboard: workers, jobs, the new-job form, a job's page; live over /api/ws. */
import { useMemo, useState } from 'react';
import type { WorkerDto } from '../../shared/api.ts';
import type { JobCounts } from '../../shared/job-status.ts';
import { Icon } from '../components/icons.tsx';
import { workerStatus, type WorkerState } from '../lib/worker-state.ts';
import { CoordinatorApi } from '../lib/api.ts';
import { ApiProvider } from '../lib/api-context.tsx';
import { LiveProvider, useLiveState, useLiveStore } from '../lib/live/live-provider.tsx';
import { useNow } from '../lib/use-now.ts';
import { AboutCoordinator } from './about-coordinator.tsx';
import { JobPage } from '../features/jobs/job-page.tsx';
import { JobsTable } from '../features/jobs/jobs-table.tsx';
import { JoinRequests } from '../features/joining/join-requests.tsx';
import { JoinWorker } from '../features/joining/join-worker.tsx';
import { LabPolicy } from '../features/policy/lab-policy.tsx';
import { NewJobPage } from '../features/new-job/new-job-page.tsx';
import { NewJob } from '../features/new-job/new-job.tsx';
import { RunPage } from '../features/runs/run-page.tsx';
import { RunsTable } from '../features/runs/runs-table.tsx';
import { useCoordinatorInfo } from './use-coordinator-info.ts';
import { useWorkerActions } from '../features/workers/use-worker-actions.ts';
import { WorkersTable } from '../features/workers/workers-table.tsx';

export function CoordinatorView({ base, token, route, onLogout }: { base: string; token: string | null; route: string; onLogout: () => void }) {
  const api = useMemo(() => new CoordinatorApi(base, token), [base, token]);
  return (
    <ApiProvider api={api}>
      <LiveProvider>
        <Dashboard token={token} route={route} onLogout={onLogout} />
      </LiveProvider>
    </ApiProvider>
  );
}

/** "2 idle · 1 busy · 1 waiting": the states present, in a fixed order. */
function workerSummary(workers: readonly WorkerDto[]): string {
  const counts: Record<WorkerState, number> = { idle: 0, busy: 0, waiting: 0, paused: 0, offline: 0 };
  for (const w of workers) counts[workerStatus(w)]++;
  const parts = (Object.keys(counts) as WorkerState[]).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
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

function Dashboard({ token, route, onLogout }: { token: string | null; route: string; onLogout: () => void }) {
  const live = useLiveState();
  const now = useNow(useLiveStore().now);
  const { info, reload } = useCoordinatorInfo();
  const actions = useWorkerActions();
  const [joining, setJoining] = useState(false);
  const [policing, setPolicing] = useState(false);
  // Read again on opening, so the join token's uses and expiry are current.
  const openJoin = () => {
    reload();
    setJoining(true);
  };

  const jobMatch = /^#\/jobs\/([^/?#]+)/.exec(route);
  const runMatch = /^#\/runs\/([^/?#]+)/.exec(route);
  const newMatch = /^#\/new(?:\?from=([^&#]+))?/.exec(route);
  const tab = route.startsWith('#/runs') ? 'runs' : 'jobs';
  const { workers, connected } = live;
  const maxUploadBytes = info?.maxUploadBytes ?? null;

  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          CMD Executor
        </a>
        <span className="summary" data-testid="header-summary">
          <span data-testid="header-workers">{workerSummary(workers)}</span>
          <span data-testid="header-jobs">{jobSummary(live.counts)}</span>
        </span>
        <span className={`conn ${connected ? 'on' : 'off'}`} role="status" data-testid="connection">
          <Icon name={connected ? 'dot' : 'ring'} /> {connected ? 'Live' : 'Reconnecting…'}
        </span>
        <button className="secondary top-button" onClick={openJoin} disabled={!info} aria-label="Add a worker" title="Add a worker">
          <Icon name="plus" /> <span className="label-wide">Add a worker</span>
        </button>
        {token && (
          <button className="link top-button" onClick={onLogout} aria-label="Log out" title="Log out">
            <Icon name="logout" /> <span className="label-wide">Log out</span>
          </button>
        )}
      </header>
      {info && <AboutCoordinator info={info} />}
      <JoinRequests />
      {jobMatch ? (
        <JobPage key={jobMatch[1]} jobId={decodeURIComponent(jobMatch[1]!)} now={now} />
      ) : runMatch ? (
        <RunPage key={runMatch[1]} runId={decodeURIComponent(runMatch[1]!)} now={now} />
      ) : newMatch ? (
        <NewJobPage
          key={newMatch[1] ?? 'new'}
          fromJobId={newMatch[1] ? decodeURIComponent(newMatch[1]) : null}
          workers={workers}
          maxUploadBytes={maxUploadBytes}
        />
      ) : (
        <main className="grid">
          <div className="main-column">
            <section className="card workers-card" aria-labelledby="workers-title">
              <h2 id="workers-title">
                Workers <span className="count">{workers.length}</span>
                <button className="secondary small heading-action" onClick={() => setPolicing(true)} title="When workers may run jobs">
                  Lab policy
                </button>
              </h2>
              <WorkersTable workers={workers} jobs={live.jobs} now={now} onJoin={openJoin} actions={actions} />
            </section>
            <section className="card jobs-card" aria-labelledby={`${tab}-title`}>
              <nav className="tabs" aria-label="Jobs or runs">
                <h2 id="jobs-title">
                  <a href="#/" aria-current={tab === 'jobs' ? 'page' : undefined} className={tab === 'jobs' ? 'active' : ''}>
                    Jobs <span className="count">{live.counts?.all ?? live.totalJobs}</span>
                  </a>
                </h2>
                <h2 id="runs-title">
                  <a href="#/runs" aria-current={tab === 'runs' ? 'page' : undefined} className={tab === 'runs' ? 'active' : ''}>
                    Runs
                  </a>
                </h2>
              </nav>
              {tab === 'jobs' ? (
                <JobsTable live={live.jobs} counts={live.counts} olderThan={live.olderThan} epoch={live.epoch} workers={workers} now={now} />
              ) : (
                <RunsTable />
              )}
            </section>
          </div>
          <aside className="form-column">
            <NewJob workers={workers} maxUploadBytes={maxUploadBytes} />
          </aside>
        </main>
      )}
      {policing && <LabPolicy workers={workers} onClose={() => setPolicing(false)} />}
      {joining && info && <JoinWorker info={info} now={now} onChanged={reload} onClose={() => setJoining(false)} />}
    </div>
  );
}
