/** The coordinator's dashboard: workers, jobs, the new-job form, a job's page; live over /api/ws. */
import { useMemo, useState } from 'react';
import { CoordinatorApi } from '../../lib/api.ts';
import { LiveProvider, useLiveState, useLiveStore } from '../../lib/live/live-provider.tsx';
import { useNow } from '../../lib/use-now.ts';
import { AboutCoordinator } from './about-coordinator.tsx';
import { JobPage } from './job-page.tsx';
import { JobsTable } from './jobs-table.tsx';
import { JoinRequests } from './join-requests.tsx';
import { JoinWorker } from './join-worker.tsx';
import { NewJob } from './new-job.tsx';
import { RunPage } from './run-page.tsx';
import { RunsTable } from './runs-table.tsx';
import { useCoordinatorInfo } from './use-coordinator-info.ts';
import { WorkersTable } from './workers-table.tsx';

export function CoordinatorView({ base, token, route, onLogout }: { base: string; token: string | null; route: string; onLogout: () => void }) {
  const api = useMemo(() => new CoordinatorApi(base, token), [base, token]);
  return (
    <LiveProvider api={api}>
      <Dashboard api={api} token={token} route={route} onLogout={onLogout} />
    </LiveProvider>
  );
}

function Dashboard({ api, token, route, onLogout }: { api: CoordinatorApi; token: string | null; route: string; onLogout: () => void }) {
  const live = useLiveState();
  const now = useNow(useLiveStore().now);
  const { info, reload } = useCoordinatorInfo(api);
  const [joining, setJoining] = useState(false);
  // Read again on opening, so the join token's uses and expiry are current.
  const openJoin = () => {
    reload();
    setJoining(true);
  };

  const jobMatch = /^#\/jobs\/([^/?#]+)/.exec(route);
  const runMatch = /^#\/runs\/([^/?#]+)/.exec(route);
  const tab = route.startsWith('#/runs') ? 'runs' : 'jobs';
  const { workers, connected } = live;
  const counts = { idle: 0, busy: 0, offline: 0, paused: 0 };
  for (const w of workers) counts[w.status === 'idle' && w.paused ? 'paused' : w.status]++;

  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          CMD Executor
        </a>
        <span className="summary muted">
          {counts.idle} idle · {counts.busy} busy · {counts.paused} paused · {counts.offline} offline
        </span>
        <span className={`conn ${connected ? 'on' : 'off'}`} role="status" data-testid="connection">
          {connected ? '● Live' : '○ Reconnecting…'}
        </span>
        <button className="secondary" onClick={openJoin} disabled={!info}>
          Add a worker
        </button>
        {token && (
          <button className="link" onClick={onLogout}>
            Log out
          </button>
        )}
      </header>
      {info && <AboutCoordinator info={info} />}
      <JoinRequests api={api} />
      {jobMatch ? (
        <JobPage api={api} jobId={decodeURIComponent(jobMatch[1]!)} now={now} />
      ) : runMatch ? (
        <RunPage key={runMatch[1]} api={api} runId={decodeURIComponent(runMatch[1]!)} now={now} />
      ) : (
        <main className="grid">
          <section className="card" aria-labelledby="workers-title">
            <h2 id="workers-title">
              Workers <span className="count">{workers.length}</span>
            </h2>
            <WorkersTable
              workers={workers}
              now={now}
              onJoin={openJoin}
              onRevoke={async (workerId) => (await api.revokeWorker(workerId)).message}
              onSetTags={async (workerId, tags) => void (await api.setWorkerTags(workerId, tags))}
            />
          </section>
          <aside>
            <NewJob api={api} workers={workers} maxUploadBytes={info?.maxUploadBytes ?? null} />
          </aside>
          <section className="card wide" aria-labelledby={`${tab}-title`}>
            <nav className="tabs" aria-label="Jobs or runs">
              <h2 id="jobs-title">
                <a href="#/" aria-current={tab === 'jobs' ? 'page' : undefined} className={tab === 'jobs' ? 'active' : ''}>
                  Jobs <span className="count">{live.totalJobs}</span>
                </a>
              </h2>
              <h2 id="runs-title">
                <a href="#/runs" aria-current={tab === 'runs' ? 'page' : undefined} className={tab === 'runs' ? 'active' : ''}>
                  Runs
                </a>
              </h2>
            </nav>
            {tab === 'jobs' ? <JobsTable api={api} live={live.jobs} epoch={live.epoch} now={now} /> : <RunsTable api={api} />}
          </section>
        </main>
      )}
      {joining && info && <JoinWorker api={api} info={info} now={now} onChanged={reload} onClose={() => setJoining(false)} />}
    </div>
  );
}
