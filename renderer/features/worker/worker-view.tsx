/**
 * What the person at a worker PC sees: its name, the coordinator it is connected to, its state (and
 * why it waits, or that it pauses after the job it runs), the job running now with its output,
 * recent jobs, Pause/Resume.
 */
import { useEffect, useState } from 'react';
import type { WorkerViewState } from '../../../shared/worker-view.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { LogView } from '../../components/log-view/index.tsx';
import { MemoryLogSource } from '../../components/log-view/memory-source.ts';
import { JobBadge } from '../../components/status-badge.tsx';
import { hourMinute, runningMs } from '../../../shared/on-hold.ts';
import { duration, firstLine, spanOf, time } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import type { WorkerSource } from '../../lib/worker-source.ts';
import { StatusCard } from './worker-status.tsx';

/** The running job's log, kept in the page as it streams in. */
interface JobLog {
  jobId: string;
  source: MemoryLogSource;
}

export function WorkerView({ source }: { source: WorkerSource }) {
  const { state, log } = useWorkerFeed(source);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  if (!state)
    return (
      <main className="page">
        <p className="muted">Connecting to this PC's worker…</p>
      </main>
    );
  const toggle = async () => {
    try {
      await (state.paused ? source.resume() : source.pause());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">CMD Executor · Worker</span>
        <span className={`conn ${state.connected ? 'on' : 'off'}`} data-testid="worker-connection">
          <Icon name={state.connected ? 'dot' : 'ring'} /> {state.connected ? 'Connected' : 'Not connected'}
        </span>
      </header>
      <main className="page worker-page">
        <StatusCard state={state} error={error} onToggle={() => void toggle()} />
        <CurrentJob state={state} log={log} now={now} />
        <RecentJobs state={state} now={now} />
      </main>
    </div>
  );
}

/** The agent's state as it changes, and the running job's log (a new one for each job, fed by the output messages). */
function useWorkerFeed(source: WorkerSource): { state: WorkerViewState | null; log: JobLog | null } {
  const [state, setState] = useState<WorkerViewState | null>(null);
  const [log, setLog] = useState<JobLog | null>(null);
  useEffect(() => {
    let current: JobLog | null = null;
    return source.subscribe(
      (s) => {
        setState(s);
        const jobId = s.currentJob?.jobId ?? null;
        if (jobId === (current?.jobId ?? null)) {
          current?.source.push(s.output); // a state sent after a reconnect carries what was missed (seen chunks are ignored)
          return;
        }
        current = jobId ? { jobId, source: new MemoryLogSource(`${jobId}.log`, s.output) } : null;
        setLog(current);
      },
      (jobId, entry) => {
        if (jobId === current?.jobId) current.source.push([entry]);
      },
    );
  }, [source]);
  return { state, log };
}

function CurrentJob({ state, log, now }: { state: WorkerViewState; log: JobLog | null; now: number }) {
  return (
    <section className="card">
      <h2>Current job</h2>
      {state.currentJob ? (
        <>
          <p data-testid="current-job">
            <strong>{state.currentJob.filename}</strong> <span className="muted mono small">{state.currentJob.jobId}</span> ·{' '}
            {state.currentJob.suspendedSince ? `on hold since ${hourMinute(state.currentJob.suspendedSince)}, ran for ` : 'running for '}
            {spanOf(
              runningMs(
                {
                  ...state.currentJob,
                  completedAt: null,
                  suspendedSince: state.currentJob.suspendedSince ?? null,
                  suspendedMs: state.currentJob.suspendedMs ?? 0,
                },
                now,
              ),
            )}
          </p>
          {log?.jobId === state.currentJob.jobId && <LogView key={log.jobId} source={log.source} emptyText="No output yet." />}
        </>
      ) : (
        <EmptyState title="No job running">{state.paused ? 'Paused: resume to take jobs.' : 'Jobs from the coordinator start here automatically.'}</EmptyState>
      )}
    </section>
  );
}

function RecentJobs({ state, now }: { state: WorkerViewState; now: number }) {
  return (
    <section className="card">
      <h2>Recent jobs</h2>
      {state.recentJobs.length === 0 ? (
        <EmptyState title="Nothing run yet on this PC" />
      ) : (
        <table className="table cards" data-testid="recent-jobs">
          <thead>
            <tr>
              <th>Result</th>
              <th>Job</th>
              <th>Ended</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {state.recentJobs.map((j) => (
              <tr key={j.jobId} data-job={j.jobId}>
                <td data-label="Result">
                  <JobBadge job={{ status: j.status ?? 'failed', exitCode: j.exitCode ?? null }} />
                </td>
                <td data-label="Job">
                  <strong>{j.filename}</strong>
                  <div className="muted small mono ellipsis">{firstLine(j.command)}</div>
                  {j.errorMessage && <div className="error small">{j.errorMessage}</div>}
                </td>
                <td data-label="Ended" className="small">
                  {time(j.endedAt)}
                </td>
                <td data-label="Duration" className="small">
                  {duration(j.startedAt, j.endedAt, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
