/**
 * What `cmdx`'s exit code says: the job's own code with --wait, and fixed codes for everything else,
 * chosen as `timeout(1)` and shells do (124 timed out, 125 could not run, 130 interrupted).
 */
import type { JobStatus, EndReason } from '../../../shared/job-status.ts';
import type { RunSummary } from '../../../shared/api.ts';
import { twoColumns } from '../options/help-text.ts';

export const EXIT = {
  ok: 0,
  /** cmdx could not do what was asked (the coordinator refused, could not be reached...); with --wait, a run where a job did not pass. */
  failed: 1,
  /** The command line was refused, or no coordinator is configured. */
  usage: 2,
  /** With --wait: the job was stopped at its time limit. */
  timedOut: 124,
  /** With --wait: the job could not run to an exit code (its zip was refused, its worker was lost or stayed offline...). */
  couldNotRun: 125,
  /** With --wait: the job was cancelled. */
  cancelled: 130,
} as const;

/** The exit codes for `cmdx --help` and docs/operations.md, in order. */
export const EXIT_CODE_MEANINGS: readonly { code: string; meaning: string }[] = [
  { code: '0', meaning: 'done; with `--wait`, the job exited 0 (a run: every job passed)' },
  { code: '1–255', meaning: "with `--wait`, the job's own exit code (a code outside 1–255, e.g. from Windows, is 1)" },
  {
    code: '1',
    meaning: "cmdx could not do it: the coordinator's sentence (or why it could not be reached) is on stderr; with `--wait`, a run where some job did not pass",
  },
  { code: '2', meaning: 'the command line was refused, or no coordinator is configured' },
  { code: '124', meaning: 'with `--wait`, the job reached its time limit' },
  { code: '125', meaning: 'with `--wait`, the job could not run (its zip was refused, its worker was lost or stayed offline, ...)' },
  { code: '130', meaning: 'with `--wait`, the job was cancelled; also Ctrl-C, which stops cmdx but not the job' },
];

/** The job's exit code as cmdx's, for `submit --wait`. */
export function jobExitCode(job: { status: JobStatus; exitCode: number | null; endReason: EndReason | null }): number {
  switch (job.status) {
    case 'completed':
      if (job.exitCode === null) return EXIT.couldNotRun;
      // A code the shell cannot carry (negative, or Windows' 32-bit codes) must still read as a failure.
      return Number.isInteger(job.exitCode) && job.exitCode >= 0 && job.exitCode <= 255 ? job.exitCode : EXIT.failed;
    case 'cancelled':
      return EXIT.cancelled;
    case 'failed':
      return job.endReason === 'timeout' ? EXIT.timedOut : EXIT.couldNotRun;
    default:
      throw new Error(`The job is still ${job.status}; its exit code is not known yet.`);
  }
}

/** 0 only when every job of the run passed. */
export function runExitCode(summary: RunSummary): number {
  return summary.total > 0 && summary.passed === summary.total ? EXIT.ok : EXIT.failed;
}

/** The exit codes as `cmdx --help` prints them. */
export function exitCodesHelp(): string {
  return twoColumns(EXIT_CODE_MEANINGS.map((e) => ({ left: e.code, text: e.meaning })));
}

/** The exit codes as docs/operations.md's table. */
export function exitCodesMarkdown(): string {
  return ['| code | meaning |', '| --- | --- |', ...EXIT_CODE_MEANINGS.map((e) => `| ${e.code} | ${e.meaning} |`)].join('\n');
}
