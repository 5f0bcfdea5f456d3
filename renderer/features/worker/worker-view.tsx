/**
 * What the person at a worker PC sees: its name, the coordinator it is connected to, its state (and
 * why it waits, or that it pauses after the job it runs), the job running now with its output,
 * recent jobs, Pause/Resume.
 */
import { useEffect, useState } from 'react';
import type { WorkerViewState } from '../../../shared/worker-view.ts';
import { Icon, type IconName } from '../../components/icons.tsx';
import { LogView } from '../../components/log-view/index.tsx';
import { MemoryLogSource } from '../../components/log-view/memory-source.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { JobBadge } from '../../components/status-badge.tsx';
import type { WorkerSource } from '../../lib/worker-source.ts';
import { duration, firstLine, time } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { displayFingerprint } from '../../../shared/fingerprint.ts';

const STATUS: Record<string, { icon: IconName; label: string; hint: string }> = {
  starting: { icon: 'ring', label: 'Starting', hint: 'Connecting to the coordinator…' },
  idle: { icon: 'dot', label: 'Idle', hint: 'Waiting for a job.' },
  busy: { icon: 'half', label: 'Busy', hint: 'Running a job.' },
  paused: { icon: 'pause', label: 'Paused', hint: 'Not taking new jobs. Resume to take jobs again.' },
  waiting: { icon: 'hourglass', label: 'Waiting', hint: 'This PC takes jobs only when its policy allows.' },
  disconnected: { icon: 'cross', label: 'Disconnected', hint: 'Cannot reach the coordinator; retrying by itself.' },
  stopped: { icon: 'stop', label: 'Stopped', hint: 'The worker has stopped.' },
};

/** Fields the agent's state may carry (newer agents): read defensively, so an older one still shows. */
interface Extras {
  name?: string | null;
  policy?: unknown;
  waiting?: string | null;
  waitingReason?: string | null;
  suspended?: boolean;
}

/** Why this PC does not take jobs now, in its own words ("PC in use since 10:42"), or null. */
export function waitingReason(state: WorkerViewState): string | null {
  const extras = state as WorkerViewState & Extras;
  const reason = extras.waiting ?? extras.waitingReason ?? null;
  return typeof reason === 'string' && reason ? reason : null;
}

/** What this PC is called: the name it was given (--name), else its id. */
export function workerLabel(state: WorkerViewState): string {
  const name = (state as WorkerViewState & Extras).name;
  return typeof name === 'string' && name ? name : state.workerId;
}

/** The running job's log, kept in the page as it streams in. */
interface JobLog {
  jobId: string;
  source: MemoryLogSource;
}

export function WorkerView({ source }: { source: WorkerSource }) {
  const [state, setState] = useState<WorkerViewState | null>(null);
  const [log, setLog] = useState<JobLog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

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

  if (!state)
    return (
      <main className="page">
        <p className="muted">Connecting to this PC's worker…</p>
      </main>
    );
  const st = STATUS[state.status] ?? STATUS.idle!;
  const reason = waitingReason(state);
  const pausing = state.paused && state.currentJob !== null;
  const suspended = (state as WorkerViewState & Extras).suspended === true && state.currentJob !== null;
  const name = workerLabel(state);
  const policy = (state as WorkerViewState & Extras).policy;
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
        <section className="card status-card">
          <h1 className="worker-title" data-testid="worker-name" title={state.workerId}>
            {name}
          </h1>
          <p className="small coordinator-line" data-testid="worker-coordinator">
            {state.connected ? 'Connected to the coordinator at ' : 'Not connected to the coordinator at '}
            <span className="mono">{state.server}</span>
          </p>
          <div className={`big-status status-${state.status}`} data-testid="worker-status" data-status={state.status}>
            <Icon name={st.icon} /> {st.label}
          </div>
          {pausing && (
            <p className="notice" role="status" data-testid="worker-pausing">
              Pausing after this job: it takes no other until resumed.
            </p>
          )}
          {suspended && (
            <p className="notice" role="status" data-testid="worker-suspended">
              The job is on hold while this PC is in use; it goes on when the PC is free again.
            </p>
          )}
          {reason && (
            <p className="notice" role="status" data-testid="worker-waiting">
              Waiting: {reason}.
            </p>
          )}
          <p className="muted">
            {st.hint}
            {state.lastError && !state.connected ? ` (${state.lastError})` : ''}
          </p>
          {typeof policy === 'string' && policy && (
            <p className="small muted" data-testid="worker-policy">
              The lab&apos;s policy for this PC: {policy}
            </p>
          )}
          {state.pairingCode && (
            <p className="notice" role="status" data-testid="pairing-code">
              Waiting for the lab admin to approve this PC. Pairing code <strong className="mono">{state.pairingCode}</strong>: the dashboard shows the same
              code beside this PC's request.
              {state.pairingFingerprint && (
                <>
                  {' '}
                  Its certificate SHA-256 must start with <span className="mono">{displayFingerprint(state.pairingFingerprint).slice(0, 23)}</span>, as on the
                  dashboard.
                </>
              )}
            </p>
          )}
          <div className="muted small">
            Id <span className="mono">{state.workerId}</span>
          </div>
          <button className={state.paused ? 'primary' : 'secondary'} onClick={() => void toggle()} data-testid="pause-toggle">
            {state.paused ? 'Resume taking jobs' : 'Pause taking jobs'}
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </section>
        <section className="card">
          <h2>Current job</h2>
          {state.currentJob ? (
            <>
              <p>
                <strong>{state.currentJob.filename}</strong> <span className="muted mono small">{state.currentJob.jobId}</span> · running for{' '}
                {duration(state.currentJob.startedAt, null, now)}
              </p>
              {log?.jobId === state.currentJob.jobId && <LogView key={log.jobId} source={log.source} emptyText="No output yet." />}
            </>
          ) : (
            <EmptyState title="No job running">
              {state.paused ? 'Paused: resume to take jobs.' : 'Jobs from the coordinator start here automatically.'}
            </EmptyState>
          )}
        </section>
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
      </main>
    </div>
  );
}
