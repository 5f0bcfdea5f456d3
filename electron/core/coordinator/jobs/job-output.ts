/** A running job's live output: numbered chunks stored once each, and what the worker should know back. */
import type { LogChunk, LogEntry, LogPage } from '../../../../shared/api.ts';
import type { Refusal } from './lifecycle.ts';
import { LOG_SEQ_WINDOW } from '../state/repositories/log.ts';
import type { Store } from '../state/store.ts';

export type AppendOutcome = { ok: true; cancel: boolean; next: number } | Refusal;

/**
 * Stores live output chunks of a running job; a chunk seen before (same seq) is ignored. Returns the
 * first seq not stored yet, so the worker notices a lost chunk, and whether the job should be cancelled.
 */
export function appendOutput(store: Store, jobId: string, workerId: string, chunks: LogChunk[]): AppendOutcome {
  const fresh: LogEntry[] = [];
  const now = store.now();
  const outcome = store.db.transaction((): AppendOutcome => {
    const job = store.jobs.get(jobId);
    if (!job) return { ok: false, reason: 'job_not_found' };
    if (job.workerId !== workerId) return { ok: false, reason: 'not_assigned' };
    if (job.status !== 'running') return { ok: false, reason: 'already_ended', status: job.status, errorMessage: job.errorMessage };
    const limit = store.log.nextSeq(job.seq) + LOG_SEQ_WINDOW;
    const ahead = chunks.find((c) => c.seq > limit);
    if (ahead) return { ok: false, reason: 'log_seq_ahead', seq: ahead.seq, limit };
    for (const chunk of chunks) {
      const stored = store.log.append(job.seq, chunk, now);
      if (stored) fresh.push(stored);
    }
    return { ok: true, cancel: job.cancelRequested, next: store.log.nextSeq(job.seq) };
  });
  if (fresh.length > 0) store.events.emit('output', jobId, fresh);
  return outcome;
}

/** Forwards from `after`, or backwards from `before` ('end': the log's tail); at most `limit` chunks and about `maxChars` of text. */
export type LogQuery = ({ after: number } | { before: number | 'end' }) & { limit: number; maxChars: number };

/** A page of a job's log; undefined if there is no such job. */
export function readLog(store: Store, jobId: string, query: LogQuery): LogPage | undefined {
  const job = store.jobs.get(jobId);
  if (!job) return undefined;
  let chunks: LogEntry[];
  let next: number;
  if ('after' in query) {
    chunks = store.log.pageAfter(job.seq, query.after, query.limit, query.maxChars);
    next = chunks.at(-1)?.seq ?? query.after;
  } else {
    const before = query.before === 'end' ? Number.MAX_SAFE_INTEGER : query.before;
    chunks = store.log.pageBefore(job.seq, before, query.limit, query.maxChars);
    next = chunks.at(-1)?.seq ?? Math.min(before, store.log.nextSeq(job.seq)) - 1;
  }
  const first = chunks[0]?.seq ?? next + 1;
  const ended = job.status !== 'pending' && job.status !== 'running';
  return { jobId, chunks, next, older: store.log.hasBefore(job.seq, first), complete: ended && !store.log.hasAfter(job.seq, next) };
}
