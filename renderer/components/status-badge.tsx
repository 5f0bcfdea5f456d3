/** Status shown as icon + word + colour, so it reads without colour vision too. */
import { workerStatus, type WorkerFacts, type WorkerState } from '../lib/worker-state.ts';
import { holdReason, onHoldText } from '../../shared/on-hold.ts';
import { jobOutcome, type OutcomeFields } from '../lib/job-outcome.ts';
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

export function JobBadge({ job }: { job: OutcomeFields }) {
  const o = jobOutcome(job);
  return (
    <span className={`badge badge-${o.key}`} data-status={o.key === 'onhold' ? 'onhold' : job.status}>
      <Icon name={o.icon} /> {o.label}
    </span>
  );
}
