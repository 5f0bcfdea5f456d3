/** Jobs and runs in words for the terminal: one outcome phrase per job, one line per PC of a run. */
import type { JobDto, RunDto, RunJobRow, RunStatusDto } from '../../../shared/api.ts';
import { type EndReason, type JobStatus, END_REASON_TEXT } from '../../../shared/job-status.ts';
import { holdReason, runningMs } from '../../../shared/on-hold.ts';
import { formatDuration, type Paint } from './render.ts';

type JobState = { status: JobStatus; exitCode: number | null; endReason: EndReason | null; errorMessage: string | null; suspendedSince?: number | null };

/** `passed`, `failed (exit 3)`, `timed out`, `could not run: <why>`, `cancelled`, `running`, `on hold (student at the PC since 10:23)`, `pending`. */
export function outcomeText(job: JobState): string {
  if (job.status === 'running' && job.suspendedSince) return `on hold (${holdReason(job.suspendedSince)})`;
  switch (job.status) {
    case 'completed':
      return job.exitCode === 0 ? 'passed' : `failed (exit ${job.exitCode})`;
    case 'failed':
      if (job.endReason === 'timeout') return 'timed out';
      return `could not run${job.errorMessage ? `: ${oneLine(job.errorMessage)}` : ''}`;
    default:
      return job.status;
  }
}

/** The outcome phrase, green when it passed, red when it did not, yellow while it goes on. */
export function paintedOutcome(job: JobState, p: Paint): string {
  const text = outcomeText(job);
  if (job.status === 'completed' && job.exitCode === 0) return p.green(text);
  if (job.status === 'pending' || job.status === 'running') return p.yellow(text);
  return p.red(text);
}

/** `run-…: 3 of 5 passed, 1 failed, 1 running`; a named run `run-… (Lab 3): …`. */
export function runHeadline(run: RunDto): string {
  const s = run.summary;
  const parts = [`${s.passed} of ${s.total} passed`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
  if (s.running) parts.push(`${s.running} running`);
  if (s.pending) parts.push(`${s.pending} pending${s.waitingOffline ? ` (${s.waitingOffline} waiting for their PC to come online)` : ''}`);
  return `${run.runId}${run.name ? ` (${run.name})` : ''}: ${parts.join(', ')}${run.completedAt === null ? '' : ' (done)'}`;
}

/** One row per job: where it ran (the dashboard's name for the PC and its worker id; and which zip, for a map run), its outcome, its time and its score. */
export function runRows(run: RunStatusDto, p: Paint): string[][] {
  return run.jobs.map((job) => runRow(run.mode, job, p));
}

export function runRow(mode: RunDto['mode'], job: RunJobRow, p: Paint): string[] {
  // Lab PCs cloned from one image may share a hostname; the worker id tells them apart.
  const where = job.workerId === null ? ['(not assigned yet)', ''] : [job.workerName ?? job.hostname ?? '-', job.workerId];
  const cells = mode === 'map' ? [job.filename, ...where] : where;
  cells.push(paintedOutcome(job, p), job.durationMs === null ? '' : formatDuration(job.durationMs));
  if (job.score !== null) cells.push(`score ${job.score}`);
  return cells;
}

/** `Front row (pc-07)`: its name, and the id that tells PCs of one name apart; `-` before a worker took it. */
function workerWords({ workerId, workerName }: Pick<JobDto, 'workerId' | 'workerName'>): string {
  if (workerId === null) return '-';
  return workerName && workerName !== workerId ? `${workerName} (${workerId})` : workerId;
}

/** The lines of `cmdx status JOB`. */
export function jobDetails(job: JobDto, p: Paint, dashboard: string): string[][] {
  const rows: [string, string][] = [
    ['job', job.jobId],
    ['state', paintedOutcome(job, p)],
    ['worker', workerWords(job)],
    ['command', oneLine(job.command)],
    ['zip', job.filename],
    ['created', new Date(job.createdAt).toISOString()],
    ['started', job.startedAt === null ? '-' : new Date(job.startedAt).toISOString()],
    ['ended', job.completedAt === null ? '-' : new Date(job.completedAt).toISOString()],
    ['took', job.startedAt !== null && job.completedAt !== null ? formatDuration(runningMs(job, job.completedAt) ?? 0) : '-'],
    ['attempts', `${job.attempts} of ${job.maxAttempts}`],
  ];
  if (job.shell !== null) rows.push(['shell', job.shell]);
  if (job.exitCode !== null) rows.push(['exit code', String(job.exitCode)]);
  if (job.endReason !== null) rows.push(['end reason', `${job.endReason}: ${END_REASON_TEXT[job.endReason] ?? ''}`.trim()]);
  if (job.errorMessage) rows.push(['error', oneLine(job.errorMessage)]);
  if (job.cancelRequested && job.status === 'running') rows.push(['cancel', 'requested; the worker is stopping it']);
  if (job.runId) rows.push(['run', job.runId]);
  if (job.artifacts?.length) rows.push(['artifacts', `${job.artifacts.length} file(s): cmdx artifacts ${job.jobId}`]);
  rows.push(['dashboard', dashboard]);
  return rows.map(([name, value]) => [`${name}:`, value]);
}

/** Multi-line text (a command, an error) on one line. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
