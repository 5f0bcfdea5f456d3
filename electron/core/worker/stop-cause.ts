/** Why a job stopped before an exit code, as the end reason the worker reports (shared/job-status.ts has the sentences). */
import type { WorkerEndReason } from '../../../shared/job-status.ts';

/** An error that already knows which end reason it is. */
export class JobStop extends Error {
  readonly reason: WorkerEndReason;

  constructor(reason: WorkerEndReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JobStop';
    this.reason = reason;
  }
}

/** The end reason for an error: a full disk wherever it happened, else what the error says it is, else 'error'. */
export function endReasonOf(error: unknown): WorkerEndReason {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC' || (e as NodeJS.ErrnoException).code === 'EDQUOT') return 'disk_full';
  }
  return error instanceof JobStop ? error.reason : 'error';
}

/** Runs `step`; an error it throws becomes a JobStop with `reason` (a full disk stays a full disk). */
export async function asStop<T>(reason: WorkerEndReason, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof JobStop) throw error;
    throw new JobStop(endReasonOf(error) === 'disk_full' ? 'disk_full' : reason, (error as Error).message, { cause: error });
  }
}
