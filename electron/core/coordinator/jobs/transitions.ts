/** The one writer of job transitions: every start, end, requeue and cancel flag goes through here, past the lifecycle's guard. */
import type { Store } from '../state/store.ts';
import type { JobRecord } from '../state/repositories/jobs.ts';
import { recordRunResult } from '../runs/run-results.ts';
import { assertLegal, type Transition } from './lifecycle.ts';

/** Writes a lifecycle decision inside the caller's transaction; an illegal one throws before anything is written. */
export function applyTransition(store: Store, job: JobRecord, transition: Transition, now: number, commandStartedAt: number | null = null): void {
  assertLegal(job, transition);
  switch (transition.kind) {
    case 'start':
      store.jobs.start(job, transition.workerId, now);
      store.workers.setState(transition.workerId, 'busy', job.jobId);
      return;
    case 'end':
      store.jobs.end(job, transition, now, commandStartedAt);
      store.noteJobEnded(job.jobId);
      if (job.runId) {
        recordRunResult(store, job);
        store.noteRunJobEnded();
      }
      return;
    case 'requeue':
      return store.jobs.requeue(job, transition.refundAttempt);
    case 'request-cancel':
      return store.jobs.requestCancel(job);
  }
}
