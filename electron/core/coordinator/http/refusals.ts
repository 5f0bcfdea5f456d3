/** Turns the store's refusals into the seed's HTTP answers. */
import type { Refusal } from '../jobs/job-store.ts';
import { HttpError } from './http-error.ts';

export function refusalToHttp(refusal: Refusal): HttpError {
  switch (refusal.reason) {
    case 'job_not_found':
      return new HttpError(404, 'Job not found', {}, refusal.reason);
    case 'worker_not_found':
      return new HttpError(404, 'Worker not found', {}, refusal.reason);
    case 'not_assigned':
      return new HttpError(403, 'Worker is not assigned to this job', {}, refusal.reason);
    case 'already_ended':
      return new HttpError(
        409,
        `Job is already ${refusal.status}${refusal.errorMessage ? ` (${refusal.errorMessage})` : ''}; this request was not applied.`,
        {},
        refusal.reason,
      );
    case 'log_seq_ahead':
      return new HttpError(
        400,
        `Log chunk ${refusal.seq} is too far ahead of what is stored (at most ${refusal.limit}); send the log in order.`,
        {},
        refusal.reason,
      );
  }
}
