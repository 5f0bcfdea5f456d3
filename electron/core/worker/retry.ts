/** The worker's one answer to "this call failed: now what?", for every call it makes. */
import { CoordinatorError } from './coordinator-client.ts';

export { backoffMs } from '../../../shared/backoff.ts';

/** retry: later, with backoff; reregister: the coordinator no longer knows us; give-up: the job is over for the coordinator. */
export type Recovery = 'retry' | 'reregister' | 'give-up';

/**
 * `about` says what the call was about: for a call about the worker (heartbeat, get-job) a 404 means
 * "unknown worker", for a call about a job (output, report) it means the job is gone.
 */
export function classify(error: unknown, about: 'worker' | 'job'): Recovery {
  if (!(error instanceof CoordinatorError)) return 'retry';
  if (error.status === 401 || (error.status === 404 && about === 'worker')) return 'reregister';
  // Our earlier upload of the job's result files is still being received (or its connection is not yet known dead): try again.
  if (error.reason === 'upload_in_progress') return 'retry';
  if (about === 'job' && [403, 404, 409].includes(error.status)) return 'give-up';
  return 'retry';
}
