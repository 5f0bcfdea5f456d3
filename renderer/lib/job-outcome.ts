/** A job's state in words for its badge: Waiting, Running, On hold (since when), or its verdict: Passed, Failed (exit N), Timed out, Error, Cancelled. */
import type { JobDto } from '../../shared/api.ts';
import { onHoldText } from '../../shared/on-hold.ts';
import { VERDICT_WORDS, verdictOf, type Verdict } from '../../shared/verdict.ts';
import type { IconName } from '../components/icon-names.ts';

/** The job's fields its badge reads; the verdict is worked out from them where the job carries none. */
export type OutcomeFields = Pick<JobDto, 'status' | 'exitCode'> & Partial<Pick<JobDto, 'suspendedSince' | 'endReason' | 'tests' | 'verdict'>>;

export function jobOutcome(job: OutcomeFields): { key: string; icon: IconName; label: string } {
  if (job.status === 'running' && job.suspendedSince) return { key: 'onhold', icon: 'pause', label: onHoldText(job.suspendedSince) };
  if (job.status === 'pending') return { key: 'pending', icon: 'clock', label: 'Waiting' };
  if (job.status === 'running') return { key: 'running', icon: 'play', label: 'Running' };
  return verdictLook(job.verdict ?? verdictOf({ endReason: null, ...job }), job.exitCode);
}

/** A verdict as a badge or tile shows it: an icon that differs by verdict (not colour alone) and the word, with the exit code of a failure. */
export function verdictLook(verdict: Verdict | null, exitCode: number | null): { key: string; icon: IconName; label: string } {
  switch (verdict) {
    case 'passed':
      return { key: 'passed', icon: 'check', label: VERDICT_WORDS.passed };
    case 'timed_out':
      return { key: 'timedout', icon: 'hourglass', label: VERDICT_WORDS.timed_out };
    case 'error':
      return { key: 'failed', icon: 'warning', label: VERDICT_WORDS.error };
    case 'cancelled':
      return { key: 'cancelled', icon: 'ban', label: VERDICT_WORDS.cancelled };
    default:
      return { key: 'exit', icon: 'cross', label: exitCode !== null && exitCode !== 0 ? `${VERDICT_WORDS.failed} (exit ${exitCode})` : VERDICT_WORDS.failed };
  }
}
