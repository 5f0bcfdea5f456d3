/**
 * What each event says: a short summary a chat message or a desktop notice can be made of, with a link to
 * the dashboard. Times are ISO 8601 (UTC). Read from the store after the change committed.
 */
import type { WebhookEvent } from '../../../../shared/webhooks.ts';
import type { Store } from '../state/store.ts';
import type { JobRecord } from '../state/repositories/job-rows.ts';

const MAX_LINE = 200;
const MAX_ERROR = 500;

export interface RunFinishedSummary {
  runId: string;
  name: string | null;
  mode: string;
  /** The first command line, shortened. */
  command: string;
  counts: { total: number; passed: number; failed: number; cancelled: number };
  completedAt: string | null;
  url: string;
}

export interface JobFailedSummary {
  jobId: string;
  status: 'completed' | 'failed';
  exitCode: number | null;
  endReason: string | null;
  errorMessage: string | null;
  command: string;
  filename: string;
  workerId: string | null;
  workerName: string | null;
  completedAt: string | null;
  url: string;
}

export interface WorkerOfflineSummary {
  workerId: string;
  name: string;
  hostname: string;
  /** The last time it was heard from. */
  lastSeenAt: string | null;
  url: string;
}

export interface ScheduleMissedSummary {
  scheduleId: string;
  template: string;
  dueAt: string;
  url: string;
}

export interface NotifySummaries {
  'run.finished': RunFinishedSummary;
  'job.failed': JobFailedSummary;
  'worker.offline': WorkerOfflineSummary;
  'schedule.missed': ScheduleMissedSummary;
}

/** One event as the desktop and webhooks get it. */
export type Notice = { [E in WebhookEvent]: { event: E; at: number; summary: NotifySummaries[E] } }[WebhookEvent];

export function iso(ms: number | null): string | null {
  return ms === null || ms <= 0 ? null : new Date(ms).toISOString();
}

/** The first command line that is not blank, shortened. */
export function firstLine(command: string): string {
  const line = command
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find(Boolean);
  if (!line) return '';
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** A run whose jobs have all ended, or undefined when it has none or one is still active. */
export function runFinished(store: Store, runId: string, base: string): RunFinishedSummary | undefined {
  const run = store.runs.get(runId);
  if (!run || store.runs.hasActiveJobs(runId)) return undefined;
  const { summary, completedAt } = store.runs.summary(runId);
  if (summary.total === 0) return undefined;
  return {
    runId,
    name: run.name,
    mode: run.mode,
    command: firstLine(run.command),
    counts: { total: summary.total, passed: summary.passed, failed: summary.failed, cancelled: summary.cancelled },
    completedAt: iso(completedAt),
    url: `${base}/#/runs/${encodeURIComponent(runId)}`,
  };
}

/** Whether an ended job counts as failed: it could not run (an error, a timeout, a lost PC) or exited non-zero; a cancel is not a failure. */
export function endedFailing(job: JobRecord): job is JobRecord & { status: 'completed' | 'failed' } {
  return job.status === 'failed' || (job.status === 'completed' && job.exitCode !== 0);
}

export function jobFailed(store: Store, job: JobRecord & { status: 'completed' | 'failed' }, base: string): JobFailedSummary {
  const worker = job.workerId === null ? undefined : store.workers.get(job.workerId);
  return {
    jobId: job.jobId,
    status: job.status,
    exitCode: job.exitCode,
    endReason: job.endReason,
    errorMessage: job.errorMessage === null ? null : job.errorMessage.slice(0, MAX_ERROR),
    command: firstLine(job.command),
    filename: job.filename,
    workerId: job.workerId,
    workerName: worker ? (worker.displayName ?? worker.hostname) : job.workerId,
    completedAt: iso(job.completedAt),
    url: `${base}/#/jobs/${encodeURIComponent(job.jobId)}`,
  };
}

/** A worker that is offline now, or undefined (it came back, or it is gone). */
export function workerOffline(store: Store, workerId: string, base: string): WorkerOfflineSummary | undefined {
  const worker = store.workers.get(workerId);
  if (!worker || worker.status !== 'offline') return undefined;
  return {
    workerId,
    name: worker.displayName ?? worker.hostname,
    hostname: worker.hostname,
    lastSeenAt: iso(store.lastSignOfLife(workerId)),
    url: `${base}/#/`,
  };
}
