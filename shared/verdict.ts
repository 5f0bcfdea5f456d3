/**
 * A job's verdict: what it came to, in one of five words, for every job of every run (and every job).
 * Derived from its state, exit code, named end reason and test counts, never stored, so it cannot
 * disagree with them.
 */
import type { EndReason, JobStatus } from './job-status.ts';

export const VERDICTS = ['passed', 'failed', 'timed_out', 'error', 'cancelled'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The verdict in words, as tiles, tables, the job page and exports show it. */
export const VERDICT_WORDS: Record<Verdict, string> = {
  passed: 'Passed',
  failed: 'Failed',
  timed_out: 'Timed out',
  error: 'Error',
  cancelled: 'Cancelled',
};

/**
 * null while it has not ended. `passed`: exit 0 and no failed test in its report; `failed`: a non-zero
 * exit, a failed test, or a zip that broke the rules; `timed_out`: stopped at its time limit; `error`:
 * the PC could not run it to the end (lost, offline, full disk, no shell); `cancelled`: by the admin or the lab's policy.
 */
export function verdictOf(job: { status: JobStatus; exitCode: number | null; endReason: EndReason | null; tests?: { failed: number } | null }): Verdict | null {
  switch (job.status) {
    case 'pending':
    case 'running':
      return null;
    case 'cancelled':
      return 'cancelled';
    case 'completed':
      return job.exitCode === 0 && !(job.tests && job.tests.failed > 0) ? 'passed' : 'failed';
    case 'failed':
      if (job.endReason === 'timeout') return 'timed_out';
      if (job.endReason === 'pc_in_use') return 'cancelled';
      // A zip that broke the rules is the work's fault; anything else (a lost PC, a full disk, no shell) is the lab's.
      return job.endReason === 'zip_refused' ? 'failed' : 'error';
  }
}
