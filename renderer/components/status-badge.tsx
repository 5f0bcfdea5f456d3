/** Status shown as icon + word + colour, so it reads without colour vision too. */
import type { JobDto, WorkerDto } from '../../shared/api.ts';

const WORKER: Record<string, { icon: string; label: string }> = {
  idle: { icon: '●', label: 'Idle' },
  busy: { icon: '◐', label: 'Busy' },
  offline: { icon: '✕', label: 'Offline' },
  paused: { icon: '❚❚', label: 'Paused' },
};

export function workerStatus(w: WorkerDto): string {
  return w.status === 'offline' ? 'offline' : w.status === 'busy' ? 'busy' : w.paused ? 'paused' : 'idle';
}

export function WorkerBadge({ worker }: { worker: WorkerDto }) {
  const s = workerStatus(worker);
  const { icon, label } = WORKER[s]!;
  return (
    <span className={`badge badge-${s}`} data-status={s}>
      <span aria-hidden="true">{icon}</span> {label}
    </span>
  );
}

export function jobOutcome(job: Pick<JobDto, 'status' | 'exitCode'>): { key: string; icon: string; label: string } {
  switch (job.status) {
    case 'pending':
      return { key: 'pending', icon: '◷', label: 'Pending' };
    case 'running':
      return { key: 'running', icon: '▶', label: 'Running' };
    case 'completed':
      return job.exitCode === 0 ? { key: 'passed', icon: '✓', label: 'Passed' } : { key: 'exit', icon: '✗', label: `Exit ${job.exitCode}` };
    case 'failed':
      return { key: 'failed', icon: '⚠', label: 'Failed' };
    case 'cancelled':
      return { key: 'cancelled', icon: '⊘', label: 'Cancelled' };
  }
}

export function JobBadge({ job }: { job: Pick<JobDto, 'status' | 'exitCode'> }) {
  const o = jobOutcome(job);
  return (
    <span className={`badge badge-${o.key}`} data-status={job.status}>
      <span aria-hidden="true">{o.icon}</span> {o.label}
    </span>
  );
}
