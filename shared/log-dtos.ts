/** A job's log on the wire: the chunks a worker sends, the entries stored, the pages read back. */
import { z } from 'zod';

export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

/** A numbered piece of a running job's output, as the worker sends it: one sequence per job, in the order the pipes were read. */
export interface LogChunk {
  stream: OutputStream;
  seq: number;
  data: string;
  /** When the worker read it (ms since the epoch); the coordinator's clock if absent. */
  time?: number;
}

/** One stored piece of a job's log. */
export const logEntry = z.object({ seq: z.number(), stream: z.enum(OUTPUT_STREAMS), time: z.number(), data: z.string() });
export type LogEntry = z.infer<typeof logEntry>;

/**
 * A page of GET /api/jobs/log, chunks in ascending `seq`. `next` is the last seq in the page (or the
 * `after` asked for when the page is empty): pass it as `after` for the page that follows. `older`
 * says whether chunks exist before the first one in the page; `complete` that the job has ended and
 * nothing comes after `next`.
 */
export const logPage = z
  .object({ jobId: z.string(), chunks: z.array(logEntry), next: z.number(), older: z.boolean(), complete: z.boolean() })
  .meta({ id: 'LogPage' });
export type LogPage = z.infer<typeof logPage>;
