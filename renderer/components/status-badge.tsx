/** Status shown as icon + word + colour, so it reads without colour vision too. */
import type { JobDto } from '../../shared/api.ts';
import { workerStatus, type WorkerFacts, type WorkerState } from '../lib/worker-state.ts';
import { holdReason, onHoldText } from '../../shared/on-hold.ts';
import { Icon, type IconName } from './icons.tsx';

const WORKER: Record<WorkerState, { icon: IconName; label: string }> = {
  idle: { icon: 'dot', label: 'Idle' },
  busy: { icon: 'half', label: 'Busy' },
  onhold: { icon: 'pause', label: 'On hold' },
  waiting: { icon: 'hourglass', label: 'Waiting' },
  paused: { icon: 'pause', label: 'Paused' },
  offline: { icon: 'cross', label: 'Offline' },
};

export function WorkerBadge({ worker }: { worker: WorkerFacts }) {
  const s = workerStatus(worker);
  const { icon, label } = WORKER[s];
  const why = s === 'onhold' && worker.suspendedSince ? holdReason(worker.suspendedSince) : null;
  return (
    <span className={`badge badge-${s}`} data-status={s} title={why ? onHoldText(worker.suspendedSince!) : undefined}>
      <Icon name={icon} /> {label}
      {why && <span className="badge-why"> ({why})</span>}
    </span>
  );
}

export function jobOutcome(job: Pick<JobDto, 'status' | 'exitCode'> & Partial<Pick<JobDto, 'suspendedSince'>>): { key: string; icon: IconName; label: string } {
  if (job.status === 'running' && job.suspendedSince) return { key: 'onhold', icon: 'pause', label: onHoldText(job.suspendedSince) };
  switch (job.status) {
    case 'pending':
      return { key: 'pending', icon: 'clock', label: 'Pending' };
    case 'running':
      return { key: 'running', icon: 'play', label: 'Running' };
    case 'completed':
      return job.exitCode === 0 ? { key: 'passed', icon: 'check', label: 'Passed' } : { key: 'exit', icon: 'cross', label: `Exit ${job.exitCode}` };
    case 'failed':
      return { key: 'failed', icon: 'warning', label: 'Failed' };
    case 'cancelled':
      return { key: 'cancelled', icon: 'ban', label: 'Cancelled' };
  }
}

export function JobBadge({ job }: { job: Pick<JobDto, 'status' | 'exitCode'> & Partial<Pick<JobDto, 'suspendedSince'>> }) {
  const o = jobOutcome(job);
  return (
    <span className={`badge badge-${o.key}`} data-status={o.key === 'onhold' ? 'onhold' : job.status}>
      <Icon name={o.icon} /> {o.label}
    </span>
  );
}
