/** The dashboard's home: the workers, the jobs or runs (two tabs, each its own URL), and the new-job form beside them. */
import { useState } from 'react';
import { TabList, TabPanel, tabId, type Tab } from '../components/tab-list.tsx';
import { useLiveState } from '../lib/live/live-provider.tsx';
import { useCan } from '../lib/session-context.tsx';
import { JobsTable } from '../features/jobs/jobs-table.tsx';
import { NewJob } from '../features/new-job/new-job.tsx';
import { RunsTable } from '../features/runs/runs-table.tsx';
import { PowerDialog } from '../features/workers/power.tsx';
import { WorkersTable } from '../features/workers/workers-table.tsx';

export type HomeTab = 'jobs' | 'runs';

export function HomePage({
  tab,
  now,
  maxUploadBytes,
  onJoin,
  onPolicy,
}: {
  tab: HomeTab;
  now: number;
  maxUploadBytes: number | null;
  onJoin: () => void;
  onPolicy: () => void;
}) {
  const live = useLiveState();
  const { workers } = live;
  const [powering, setPowering] = useState(false);
  const setsPolicy = useCan('postWorkersPolicy');
  const powers = useCan('postWorkersPower');
  const startsJobs = useCan('postJobsCreate');
  return (
    <main className={startsJobs ? 'grid' : 'grid no-form'}>
      {/* The page's one h1, for screen readers and the focus after a route change; the cards' headings show what it says. */}
      <h1 className="visually-hidden">{tab === 'jobs' ? 'Workers and jobs' : 'Workers and runs'}</h1>
      <div className="main-column">
        <section className="card workers-card" aria-labelledby="workers-title">
          <h2 id="workers-title">
            Workers <span className="count">{workers.length}</span>
            {setsPolicy && (
              <button className="secondary small heading-action" onClick={onPolicy} title="When workers may run jobs">
                Lab policy
              </button>
            )}
            {powers && workers.length > 0 && (
              <button
                className={`secondary small ${setsPolicy ? 'heading-action-next' : 'heading-action'}`}
                onClick={() => setPowering(true)}
                title="Wake, shut down or restart several PCs"
              >
                Power…
              </button>
            )}
          </h2>
          <WorkersTable workers={workers} jobs={live.jobs} now={now} onJoin={onJoin} />
        </section>
        {powering && <PowerDialog workers={workers} onClose={() => setPowering(false)} />}
        <JobsAndRuns tab={tab} now={now} />
      </div>
      {startsJobs && (
        <aside className="form-column">
          <NewJob workers={workers} maxUploadBytes={maxUploadBytes} />
        </aside>
      )}
    </main>
  );
}

/** The Jobs and Runs tabs: links (`#/`, `#/runs`), so each tab has its own address and the back button works; an ARIA tablist for the keyboard. */
function JobsAndRuns({ tab, now }: { tab: HomeTab; now: number }) {
  const live = useLiveState();
  const tabs: Tab[] = [
    {
      id: 'jobs',
      href: '#/',
      label: (
        <>
          Jobs <span className="count">{live.counts?.all ?? live.totalJobs}</span>
        </>
      ),
    },
    { id: 'runs', href: '#/runs', label: 'Runs' },
  ];
  return (
    <section className="card jobs-card" aria-labelledby={tabId(tab)}>
      <TabList label="Jobs or runs" tabs={tabs} selected={tab} />
      <TabPanel tab={tab}>
        {tab === 'jobs' ? (
          <JobsTable live={live.jobs} counts={live.counts} olderThan={live.olderThan} epoch={live.epoch} workers={live.workers} now={now} />
        ) : (
          <RunsTable />
        )}
      </TabPanel>
    </section>
  );
}
