/** One job: its log, status, timings, exit code or error, Cancel and Run again, and why it waits. */
import { useEffect, useMemo, useState } from 'react';
import type { JobDto, JobTarget, WorkerDto } from '../../../shared/api.ts';
import { LogView } from '../../components/log-view/index.tsx';
import { JobBadge } from '../../components/status-badge.tsx';
import type { CoordinatorApi } from '../../lib/api.ts';
import { duration, time } from '../../lib/format.ts';
import { useLiveState, useLiveStore } from '../../lib/live/live-provider.tsx';
import { describeTarget, displayName, listWords, matchesTarget } from '../../lib/targets.ts';
import { jobLogSource } from './job-log-source.ts';

/** Why a pending job is not running, in plain words; a targeted job only counts the workers it may go to. */
export function pendingHint(workers: WorkerDto[], target: JobTarget | null = null): string {
  if (workers.length === 0) return 'No workers are registered yet. Start a worker on a lab PC (see "Add a worker").';
  if (target) {
    const named = targetedHint(workers, target);
    if (named) return named;
    workers = workers.filter((w) => matchesTarget(target, w));
  }
  const idle = workers.filter((w) => w.status === 'idle' && !w.paused);
  if (idle.length > 0) return 'A worker is free; it will start this job in a moment.';
  if (workers.every((w) => w.status === 'offline')) return 'All workers are offline. Check that the lab PCs are on and running CMD Executor.';
  const paused = workers.filter((w) => w.paused && w.status !== 'offline').length;
  const busy = workers.filter((w) => w.status === 'busy').length;
  if (busy === 0 && paused > 0) return `All online workers are paused (${paused}). Resume one on its PC.`;
  return `All online workers are busy (${busy} busy${paused ? `, ${paused} paused` : ''}). The job starts when one is free.`;
}

/** The sentence for a job waiting on one named PC, or on tags no online worker has; null when the general one fits. */
function targetedHint(workers: WorkerDto[], target: JobTarget): string | null {
  const matching = workers.filter((w) => matchesTarget(target, w));
  const where = describeTarget(target, workers);
  if (matching.length === 0) return `No registered worker matches this job's target (${where}). Add the tags to a worker, or start a worker that matches.`;
  if (target.workers?.length === 1 && matching.length === 1) {
    const w = matching[0]!;
    const name = displayName(w);
    if (w.status === 'offline') return `Waiting for ${name}, which is offline. Check that the PC is on and running CMD Executor.`;
    if (w.paused || w.pausedByAdmin) return `Waiting for ${name}, which is paused. Resume it to let it take jobs.`;
    if (w.status === 'busy') return `Waiting for ${name}, which is busy with another job.`;
    return `${name} is free; it will start this job in a moment.`;
  }
  if (matching.every((w) => w.status === 'offline')) {
    return target.tags && !target.workers && !target.os
      ? `No online worker has the tags ${listWords(target.tags)}.`
      : `Every worker this job may go to (${where}) is offline.`;
  }
  return null;
}

export function JobPage({ api, jobId, now }: { api: CoordinatorApi; jobId: string; now: number }) {
  const { workers, epoch, jobs } = useLiveState();
  const live = useLiveStore();
  const [job, setJob] = useState<JobDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const summary = jobs.get(jobId);

  useEffect(() => {
    api.job(jobId).then(setJob, (e: Error) => setError(e.message));
  }, [api, jobId, epoch]);

  // One source per job: the log view opens on its tail and follows it.
  const source = useMemo(() => jobLogSource(api, live, jobId), [api, live, jobId]);

  const current = summary ?? job;
  if (error)
    return (
      <main className="page">
        <a href="#/">← All jobs</a>
        <p className="error" role="alert">
          {error}
        </p>
      </main>
    );
  if (!current)
    return (
      <main className="page">
        <p className="muted">Loading…</p>
      </main>
    );

  const cancel = async () => {
    try {
      const r = await api.cancel(jobId);
      setNotice(r.message);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const rerun = async () => {
    try {
      const { jobId: next } = await api.rerun(current);
      location.hash = `#/jobs/${next}`;
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  const active = current.status === 'pending' || current.status === 'running';
  // Asked to stop, not yet confirmed by the worker.
  const cancelling = active && current.cancelRequested;

  return (
    <main className="page job-page">
      <a href="#/" className="back">
        ← All jobs
      </a>
      <header className="job-head">
        <div>
          <h1>
            {current.filename} <JobBadge job={current} />
            {cancelling && (
              <span className="badge badge-cancelling" data-testid="cancelling" role="status">
                <span aria-hidden="true">⊘</span> Cancelling…
              </span>
            )}
          </h1>
          <div className="muted mono small">{current.jobId}</div>
        </div>
        <div className="actions">
          {active && (
            <button className="danger" onClick={() => void cancel()} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          <button className="secondary" onClick={() => void rerun()}>
            Run again
          </button>
        </div>
      </header>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {current.status === 'pending' && (
        <p className="hint" role="status" data-testid="pending-hint">
          {pendingHint(workers, current.target ?? null)}
          {current.deadlineAt !== null && current.deadlineAt !== undefined && ` If it has not started by ${time(current.deadlineAt)}, it fails.`}
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>Worker</dt>
          <dd className="mono">{current.workerId ?? '—'}</dd>
        </div>
        {current.runId && (
          <div>
            <dt>Run</dt>
            <dd>
              <a href={`#/runs/${current.runId}`} className="mono small" data-testid="job-run">
                {current.runId}
              </a>
            </dd>
          </div>
        )}
        {current.target && (
          <div>
            <dt>Runs on</dt>
            <dd data-testid="job-target">{describeTarget(current.target, workers)}</dd>
          </div>
        )}
        <div>
          <dt>Created</dt>
          <dd>{time(current.createdAt)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{time(current.startedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration(current.startedAt, current.completedAt, now)}</dd>
        </div>
        <div>
          <dt>Exit code</dt>
          <dd data-testid="exit-code">{current.exitCode ?? '—'}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>
            {current.attempts} of {current.maxAttempts}
          </dd>
        </div>
      </dl>
      {current.errorMessage && (
        <p className="error" role="alert" data-testid="error-message">
          {current.errorMessage}
        </p>
      )}
      <h2 className="section">Commands</h2>
      <pre className="commands">{current.command}</pre>
      <h2 className="section">Output</h2>
      <LogView
        source={source}
        emptyText={current.status === 'pending' ? 'The job has not started yet.' : active ? 'No output yet.' : 'The job printed nothing.'}
      />
    </main>
  );
}
