/** A job's state in one word for its badge: Waiting, Running, On hold (since when), Passed, Exit N, Failed, Cancelled. */
import type { JobDto } from '../../shared/api.ts';
import { onHoldText } from '../../shared/on-hold.ts';
import type { IconName } from '../components/icon-names.ts';

export function jobOutcome(job: Pick<JobDto, 'status' | 'exitCode'> & Partial<Pick<JobDto, 'suspendedSince'>>): { key: string; icon: IconName; label: string } {
  if (job.status === 'running' && job.suspendedSince) return { key: 'onhold', icon: 'pause', label: onHoldText(job.suspendedSince) };
  switch (job.status) {
    case 'pending':
      return { key: 'pending', icon: 'clock', label: 'Waiting' };
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
