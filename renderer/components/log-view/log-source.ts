/** Where a log view reads a job's log from: the coordinator (HTTP pages + live feed) or memory (the worker's own view, a direct run). */
import type { LogEntry } from '../../../shared/api.ts';

/** A run of chunks in ascending seq; `older` says whether chunks exist before the first one. */
export interface LogSlice {
  chunks: LogEntry[];
  older: boolean;
}

/** The log's last page; `complete` says the job has ended, so nothing will follow. */
export interface LogTail extends LogSlice {
  complete: boolean;
}

export interface LogSource {
  /** The last page of the log (what the view opens with). */
  tail(): Promise<LogTail>;
  /** The page just before `seq`: the newest chunks with a smaller seq, ascending. */
  before(seq: number): Promise<LogSlice>;
  /**
   * Live chunks with seq above `after` (what is already stored first, then new ones); they may repeat,
   * so the caller ignores a seq it has shown. `onReset` says the feed gave up catching up: the caller
   * reloads the tail and follows again. Returns the function that stops following.
   */
  follow(after: number, onChunks: (chunks: LogEntry[]) => void, onReset: () => void): () => void;
  /** Saves the whole log as a file; absent when the source cannot. */
  download?(): Promise<void>;
}
