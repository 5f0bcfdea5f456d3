/** Turns the domain's refusals into the seed's HTTP answers: the status comes from the reason (shared/refusals.ts). */
import { REFUSALS, type RefusalReason } from '../../../../shared/refusals.ts';
import type { Refusal } from '../jobs/lifecycle.ts';
import { type Refused } from '../refused.ts';
import { HttpError } from './http-error.ts';

/** A refusal the domain returned (`{ok: false, reason, message?}`) as the error to throw. */
export function refusalToHttp(refusal: Refusal | { reason: RefusalReason; message: string }): HttpError {
  return new HttpError(REFUSALS[refusal.reason], sentence(refusal), {}, refusal.reason);
}

/** A Refused the domain threw, as the answer it becomes. */
export function refusedToHttp(refused: Refused): HttpError {
  return new HttpError(REFUSALS[refused.reason], refused.message, refused.headers, refused.reason);
}

function sentence(refusal: Refusal | { reason: RefusalReason; message: string }): string {
  if ('message' in refusal) return refusal.message;
  switch (refusal.reason) {
    case 'job_not_found':
      return 'Job not found';
    case 'worker_not_found':
      return 'Worker not found';
    case 'not_assigned':
      return 'Worker is not assigned to this job';
    case 'already_ended':
      return `Job is already ${refusal.status}${refusal.errorMessage ? ` (${refusal.errorMessage})` : ''}; this request was not applied.`;
    case 'log_seq_ahead':
      return `Log chunk ${refusal.seq} is too far ahead of what is stored (at most ${refusal.limit}); send the log in order.`;
  }
}
