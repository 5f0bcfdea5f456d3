/** The coordinator's dashboard: workers, jobs, the new-job form, a job's page; live over /api/ws. */
import { useEffect, useMemo, useState } from 'react';
import { CoordinatorApi, type CoordinatorInfo } from '../../lib/api.ts';
import { JobPage } from './job-page.tsx';
import { JobsTable } from './jobs-table.tsx';
import { JoinWorker } from './join-worker.tsx';
import { NewJob } from './new-job.tsx';
import { useLive, useNow } from './use-live.ts';
import { WorkersTable } from './workers-table.tsx';

export function CoordinatorView({ base, token, route, onLogout }: { base: string; token: string | null; route: string; onLogout: () => void }) {
  const api = useMemo(() => new CoordinatorApi(base, token), [base, token]);
  const live = useLive(api);
  const now = useNow(live.state.skew);
  const [info, setInfo] = useState<CoordinatorInfo | null>(null);
  const [joining, setJoining] = useState(false);

  useEffect(() => {
    api.info().then(setInfo, () => {});
  }, [api]);

  const jobMatch = /^#\/jobs\/([^/?#]+)/.exec(route);
  const { workers, connected } = live.state;
  const counts = { idle: 0, busy: 0, offline: 0, paused: 0 };
  for (const w of workers) counts[w.status === 'idle' && w.paused ? 'paused' : w.status]++;

  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">CMD Executor</a>
        <span className="summary muted">{counts.idle} idle · {counts.busy} busy · {counts.paused} paused · {counts.offline} offline</span>
        <span className={`conn ${connected ? 'on' : 'off'}`} role="status" data-testid="connection">{connected ? '● Live' : '○ Reconnecting…'}</span>
        <button className="secondary" onClick={() => setJoining(true)} disabled={!info}>Add a worker</button>
        {token && <button className="link" onClick={onLogout}>Log out</button>}
      </header>
      {jobMatch ? (
        <JobPage api={api} jobId={decodeURIComponent(jobMatch[1]!)} live={live} workers={workers} epoch={live.state.epoch} now={now} />
      ) : (
        <main className="grid">
          <section className="card" aria-labelledby="workers-title">
            <h2 id="workers-title">Workers <span className="count">{workers.length}</span></h2>
            <WorkersTable workers={workers} now={now} onJoin={() => setJoining(true)} />
          </section>
          <aside>
            <NewJob api={api} />
          </aside>
          <section className="card wide" aria-labelledby="jobs-title">
            <h2 id="jobs-title">Jobs <span className="count">{live.state.totalJobs}</span></h2>
            <JobsTable api={api} live={live.state.jobs} epoch={live.state.epoch} now={now} />
          </section>
        </main>
      )}
      {joining && info && <JoinWorker info={info} onClose={() => setJoining(false)} />}
    </div>
  );
}
