/**
 * One job: its log, status, timings, exit code or error, Cancel and Run again, and why it waits.
 * Mounted per job (keyed by its id), so a notice never follows Run again onto another job's page.
 */
import { useEffect, useMemo, useState } from 'react';
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import { END_REASON_TEXT } from '../../../shared/job-status.ts';
import { History } from '../../components/history.tsx';
import { Icon } from '../../components/icons.tsx';
import { LogView } from '../../components/log-view/index.tsx';
import { PageError } from '../../components/page-error.tsx';
import { SaveAsTemplate } from '../../components/save-as-template.tsx';
import { JobBadge } from '../../components/status-badge.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { when } from '../../lib/format.ts';
import { useLiveState, useLiveStore } from '../../lib/live/live-provider.tsx';
import { navigate } from '../../lib/navigate.ts';
import { useCan } from '../../lib/session-context.tsx';
import { JobArtifacts } from './job-artifacts.tsx';
import { JobFacts } from './job-facts.tsx';
import { jobLogSource } from './job-log-source.ts';
import { pendingHint } from './pending-hint.ts';

/** A sentence about this job; `whileActive`: it is about the job still running (a requested cancel), so it goes when the job ends. */
interface Notice {
  text: string;
  failed: boolean;
  whileActive: boolean;
}

/** The job from the API, read again when the live feed connects again (`epoch`) or on Try again; the error of the latest read. */
function useJob(jobId: string, epoch: number): { job: JobDto | null; error: Error | null; retry: () => void } {
  const api = useApi();
  const [job, setJob] = useState<JobDto | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    api.job(jobId).then(
      (answer) => {
        if (!current) return;
        setJob(answer);
        setError(null);
      },
      (e: Error) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [api, jobId, epoch, attempt]);
  return { job, error, retry: () => setAttempt((n) => n + 1) };
}

export function JobPage({ jobId, now }: { jobId: string; now: number }) {
  const api = useApi();
  const { workers, epoch, jobs } = useLiveState();
  const live = useLiveStore();
  const { job, error, retry } = useJob(jobId, epoch);
  const [notice, setNotice] = useState<Notice | null>(null);
  const summary = jobs.get(jobId);

  // One source per job: the log view opens on its tail and follows it.
  const source = useMemo(() => jobLogSource(api, live, jobId), [api, live, jobId]);

  const current = summary ?? job;
  if (!current && error) return <PageError what="Job" id={jobId} error={error} back={{ href: '#/', label: 'All jobs' }} onRetry={retry} />;
  if (!current)
    return (
      <main className="page">
        <p className="muted">Loading…</p>
      </main>
    );

  const active = current.status === 'pending' || current.status === 'running';
  const cancel = async () => {
    try {
      const r = await api.cancel(jobId);
      setNotice({ text: r.message, failed: false, whileActive: true });
      retry(); // read again: the page shows the cancel even before the live feed tells
    } catch (e) {
      setNotice({ text: (e as Error).message, failed: true, whileActive: false });
    }
  };
  // The form, filled in from this job, so it can be changed before it runs.
  const rerun = () => navigate(`#/new?from=${encodeURIComponent(jobId)}`);
  const shownNotice = notice && (!notice.whileActive || active) ? notice : null;

  return (
    <main className="page job-page">
      <a href="#/" className="back">
        <Icon name="back" /> All jobs
      </a>
      <JobHead job={current} active={active} onCancel={() => void cancel()} onRerun={rerun} />
      {shownNotice && (
        <p className={shownNotice.failed ? 'error' : 'notice'} role={shownNotice.failed ? 'alert' : 'status'} data-testid="job-notice">
          {shownNotice.text}
        </p>
      )}
      <JobState job={current} workers={workers} now={now} />
      <h2 className="section">Commands</h2>
      <pre className="commands">{current.command}</pre>
      <History target={`job:${jobId}`} version={`${current.status} ${current.cancelRequested ? 1 : 0} ${notice?.text ?? ''}`} now={now} />
      {(current.artifactPatterns?.length ?? 0) > 0 && <JobArtifacts job={current} />}
      <h2 className="section">Output</h2>
      <LogView
        source={source}
        emptyText={current.status === 'pending' ? 'The job has not started yet.' : active ? 'No output yet.' : 'The job printed nothing.'}
      />
    </main>
  );
}

/** The job's name and badges, with Cancel (while it is active) and Run again, for a role that may. */
function JobHead({ job, active, onCancel, onRerun }: { job: JobDto; active: boolean; onCancel: () => void; onRerun: () => void }) {
  // Asked to stop, not yet confirmed by the worker.
  const cancelling = active && job.cancelRequested;
  const cancels = useCan('postJobsCancel');
  const starts = useCan('postJobsCreate');
  return (
    <header className="job-head">
      <div>
        <h1>
          {job.filename} <JobBadge job={job} />
          {cancelling && (
            <span className="badge badge-cancelling" data-testid="cancelling" role="status">
              <Icon name="ban" /> Cancelling…
            </span>
          )}
        </h1>
        <div className="muted mono small">{job.jobId}</div>
      </div>
      <div className="actions">
        {active && cancels && (
          <button className="danger" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {starts && (
          <button className="secondary" onClick={onRerun} title="Opens the form filled in from this job, to change before it runs">
            Run again…
          </button>
        )}
        <SaveAsTemplate from={{ jobId: job.jobId }} />
      </div>
    </header>
  );
}

/** Why it waits (while pending), its facts, and how it ended: the coordinator's error and the end reason when it is not an exit. */
function JobState({ job, workers, now }: { job: JobDto; workers: WorkerDto[]; now: number }) {
  return (
    <>
      {job.status === 'pending' && (
        <p className="hint" role="status" data-testid="pending-hint">
          <Icon name="info" />
          {pendingHint(workers, job.target ?? null)}
          {job.deadlineAt !== null && job.deadlineAt !== undefined && ` If it has not started by ${when(job.deadlineAt, now)}, it fails.`}
        </p>
      )}
      <JobFacts job={job} workers={workers} now={now} />
      {job.errorMessage && (
        <p className="error" role="alert" data-testid="error-message">
          {job.errorMessage}
        </p>
      )}
      {job.endReason && job.endReason !== 'exit' && (
        <p className="muted" data-testid="end-reason" data-reason={job.endReason}>
          {END_REASON_TEXT[job.endReason]}
        </p>
      )}
    </>
  );
}
