/** A job's facts in a list: where it runs (or ran), its run, its target, its times, exit code and attempts. */
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import { runningMs } from '../../../shared/on-hold.ts';
import { spanOf, time } from '../../lib/format.ts';
import { describeTarget, DIRECT_WORKER, workerName } from '../../lib/targets.ts';

export function JobFacts({ job, workers, now }: { job: JobDto; workers: WorkerDto[]; now: number }) {
  return (
    <dl className="facts">
      <div>
        <dt>Worker</dt>
        <dd title={job.workerId ?? undefined} data-testid="job-worker">
          {job.workerId === null ? '—' : job.workerId === DIRECT_WORKER ? 'coordinator (direct run)' : workerName(job.workerId, workers)}
        </dd>
      </div>
      {job.runId && (
        <div>
          <dt>Run</dt>
          <dd>
            <a href={`#/runs/${job.runId}`} className="mono small" data-testid="job-run">
              {job.runId}
            </a>
          </dd>
        </div>
      )}
      {job.target && (
        <div>
          <dt>Runs on</dt>
          <dd data-testid="job-target">{describeTarget(job.target, workers)}</dd>
        </div>
      )}
      {job.shell && (
        <div>
          <dt>Shell</dt>
          <dd data-testid="job-shell">{job.shell}</dd>
        </div>
      )}
      <div>
        <dt>Created</dt>
        <dd>{time(job.createdAt)}</dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>{time(job.startedAt)}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd data-testid="job-duration">{job.startedAt ? spanOf(runningMs(job, now)) : '—'}</dd>
      </div>
      {job.score !== null && (
        <div>
          <dt>Score</dt>
          <dd data-testid="job-score">{String(job.score)}</dd>
        </div>
      )}
      <div>
        <dt>Exit code</dt>
        <dd data-testid="exit-code">{job.exitCode ?? '—'}</dd>
      </div>
      <div>
        <dt>Attempts</dt>
        <dd>
          {job.attempts} of {job.maxAttempts}
        </dd>
      </div>
    </dl>
  );
}
