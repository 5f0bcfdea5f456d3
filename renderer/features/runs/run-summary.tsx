/** A run's summary: "27/30 passed", the other counts in words, and a bar with one segment per outcome. */
import type { RunDto, RunSummary, WorkerDto } from '../../../shared/api.ts';
import { describeTarget } from '../../lib/targets.ts';

/** "12/30 passed · 3 running · 1 failed": the counts that are not zero, for the page and the runs list. */
export function summaryText(s: RunSummary): string {
  const parts = [`${s.passed}/${s.total} passed`];
  if (s.running) parts.push(`${s.running} running`);
  if (s.pending - s.waitingOffline) parts.push(`${s.pending - s.waitingOffline} pending`);
  if (s.waitingOffline) parts.push(`${s.waitingOffline} waiting for offline PCs`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
  return parts.join(' · ');
}

/** Its name, else what it is: "On every PC", "On PCs tagged room-b", "6 zips". */
export function runTitle(run: Pick<RunDto, 'name' | 'mode' | 'target' | 'summary'>, workers: readonly WorkerDto[]): string {
  return run.name ?? runDescription(run, workers);
}

/** "On every PC", "On PCs tagged room-b", "6 zips": what the run is, for its heading or (when it is named) its facts. */
export function runDescription(run: Pick<RunDto, 'mode' | 'target' | 'summary'>, workers: readonly WorkerDto[]): string {
  const where = run.target ? describeTarget(run.target, workers) : null;
  if (run.mode === 'each') return `On ${where ?? 'every PC'}`;
  return `${run.summary.total} ${run.summary.total === 1 ? 'zip' : 'zips'}${where ? ` on ${where}` : ''}`;
}

const SEGMENTS = ['passed', 'failed', 'cancelled', 'running'] as const;

export function SummaryBar({ summary, compact = false }: { summary: RunSummary; compact?: boolean }) {
  const ended = summary.passed + summary.failed + summary.cancelled;
  const percent = (n: number) => (summary.total ? (100 * n) / summary.total : 0);
  return (
    <div className={`run-summary ${compact ? 'compact' : ''}`}>
      {!compact && (
        <p className="run-counts" data-testid="run-summary" role="status">
          <strong>
            {summary.passed}/{summary.total} passed
          </strong>
          {summaryText(summary).slice(`${summary.passed}/${summary.total} passed`.length)}
        </p>
      )}
      <div
        className="run-progress"
        role="progressbar"
        aria-label="Jobs ended"
        aria-valuemin={0}
        aria-valuemax={summary.total}
        aria-valuenow={ended}
        aria-valuetext={`${ended} of ${summary.total} ended`}
      >
        {SEGMENTS.map((key) => summary[key] > 0 && <div key={key} className={`seg seg-${key}`} style={{ width: `${percent(summary[key])}%` }} />)}
      </div>
    </div>
  );
}
