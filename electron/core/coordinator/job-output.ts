/** A running job's live output: numbered chunks stored once each, and what the worker should know back. */
import type { LogChunk, OutputStream } from '../../../shared/api.ts';
import type { Refusal } from './lifecycle.ts';
import type { StoreCore } from './store-core.ts';

export type AppendOutcome = { ok: true; cancel: boolean; next: Record<OutputStream, number> } | Refusal;

/**
 * Stores live output chunks of a running job; a chunk seen before (same stream and seq) is ignored.
 * Returns the next sequence number expected per stream, so the worker notices a lost chunk, and
 * whether the job should be cancelled.
 */
export function appendOutput(core: StoreCore, jobId: string, workerId: string, chunks: LogChunk[]): AppendOutcome {
  const fresh: { stream: OutputStream; data: string }[] = [];
  const outcome = core.db.transaction((): AppendOutcome => {
    const job = core.jobs.get(jobId);
    if (!job) return { ok: false, reason: 'job_not_found' };
    if (job.workerId !== workerId) return { ok: false, reason: 'not_assigned' };
    if (job.status !== 'running') return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.errorMessage };
    for (const chunk of chunks) {
      const stored = core.output.append(job.seq, chunk.stream, chunk.seq, chunk.data);
      if (stored !== null) fresh.push({ stream: chunk.stream, data: stored });
    }
    return { ok: true, cancel: job.cancelRequested, next: { stdout: core.output.nextSeq(job.seq, 'stdout'), stderr: core.output.nextSeq(job.seq, 'stderr') } };
  });
  for (const chunk of fresh) core.events.emit('output', jobId, chunk.stream, chunk.data);
  return outcome;
}
