/**
 * Keeps a control long poll open while a job runs, so a cancel reaches this worker at once, however
 * quiet the job is (output answers carry it too, and the heartbeat is the fallback).
 */
import { backoffMs } from '../../../shared/backoff.ts';
import type { CoordinatorClient } from './coordinator-client.ts';
import { classify } from './retry.ts';

export interface CancelWatchOptions {
  client: Pick<CoordinatorClient, 'waitForControl'>;
  jobId: string;
  workerId: string;
  /** Ends the watch (the job finished or was cancelled). */
  signal: AbortSignal;
  onCancel: () => void;
  waitSeconds?: number;
}

/** Runs until the job is to be cancelled (then calls `onCancel`), `signal` aborts, or the coordinator disowns the job. */
export async function watchForCancel(o: CancelWatchOptions): Promise<void> {
  let failures = 0;
  while (!o.signal.aborted) {
    try {
      const answer = await o.client.waitForControl(o.jobId, o.workerId, o.waitSeconds ?? 25, o.signal);
      failures = 0;
      if (answer.cancel && !o.signal.aborted) return o.onCancel();
    } catch (error) {
      if (o.signal.aborted || classify(error, 'job') === 'give-up') return; // the final report settles a job the coordinator no longer knows
      await sleep(backoffMs(++failures, 5000, 250), o.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
