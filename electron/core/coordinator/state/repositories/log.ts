/**
 * The job_log table: one ordered log per job (one sequence across stdout and stderr), capped per
 * stream in bytes and per job in chunks. A chunk past a cap is not stored: it only moves the first
 * missing seq on, so a worker still sees a real gap and a flood of tiny chunks adds no rows.
 */
import type { SqlStatement } from '../sql.ts';
import type { LogChunk, LogEntry, OutputStream } from '../../../../../shared/api.ts';
import type { Database } from '../sql.ts';
import { int, text, type Row } from '../row.ts';

export const OUTPUT_DROPPED_MARKER = (bytes: number) => `\n[cmdx: output over the coordinator's limit of ${bytes} bytes per stream was dropped]\n`;
/** Chunks a job's log may hold (a worker merges reads and sends once a second: a real job stays far below). */
export const MAX_LOG_CHUNKS = 200_000;
export const CHUNKS_DROPPED_MARKER = `\n[cmdx: more than ${MAX_LOG_CHUNKS} pieces of output; the rest was dropped]\n`;
/** How far past the first missing seq a chunk may be: a worker has at most a few batches on their way. */
export const LOG_SEQ_WINDOW = 10_000;

type PerStream = Record<OutputStream, SqlStatement>;

export class LogRepository {
  readonly #maxBytes: number;
  readonly #textOf: SqlStatement;
  readonly #bytes: PerStream;
  readonly #addBytes: PerStream;
  readonly #insert: SqlStatement;
  readonly #exists: SqlStatement;
  readonly #next: SqlStatement;
  readonly #setNext: SqlStatement;
  readonly #after: SqlStatement;
  readonly #before: SqlStatement;
  readonly #anyBefore: SqlStatement;
  readonly #anyAfter: SqlStatement;

  /** `maxBytesPerStream`: chunks past it are dropped and a marker says so. */
  constructor(db: Database, maxBytesPerStream: number) {
    this.#maxBytes = maxBytesPerStream;
    this.#textOf = db.prepare('SELECT data FROM job_log WHERE job_seq = ? AND stream = ? ORDER BY seq');
    // Bytes stored per stream live on the job row, so appending never re-reads what is stored.
    this.#bytes = {
      stdout: db.prepare('SELECT stdout_bytes AS n FROM jobs WHERE seq = ?'),
      stderr: db.prepare('SELECT stderr_bytes AS n FROM jobs WHERE seq = ?'),
    };
    this.#addBytes = {
      stdout: db.prepare('UPDATE jobs SET stdout_bytes = stdout_bytes + ? WHERE seq = ?'),
      stderr: db.prepare('UPDATE jobs SET stderr_bytes = stderr_bytes + ? WHERE seq = ?'),
    };
    this.#insert = db.prepare('INSERT INTO job_log (job_seq, seq, stream, time, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.#exists = db.prepare('SELECT 1 FROM job_log WHERE job_seq = ? AND seq = ?');
    this.#next = db.prepare('SELECT log_next AS n FROM jobs WHERE seq = ?');
    this.#setNext = db.prepare('UPDATE jobs SET log_next = ? WHERE seq = ?');
    this.#after = db.prepare("SELECT seq, stream, time, data FROM job_log WHERE job_seq = ? AND seq > ? AND data != '' ORDER BY seq");
    this.#before = db.prepare("SELECT seq, stream, time, data FROM job_log WHERE job_seq = ? AND seq < ? AND data != '' ORDER BY seq DESC");
    this.#anyBefore = db.prepare("SELECT 1 FROM job_log WHERE job_seq = ? AND seq < ? AND data != '' LIMIT 1");
    this.#anyAfter = db.prepare("SELECT 1 FROM job_log WHERE job_seq = ? AND seq > ? AND data != '' LIMIT 1");
  }

  /** Inserts one chunk within its stream's cap; returns what was stored, or null if it was a repeat or dropped. */
  append(jobSeq: number, chunk: LogChunk, now: number): LogEntry | null {
    const seq = Math.max(chunk.seq, 0);
    const used = int(this.#bytes[chunk.stream].get(jobSeq)!, 'n');
    let data = chunk.data;
    if (seq > MAX_LOG_CHUNKS || (seq < MAX_LOG_CHUNKS && used >= this.#maxBytes)) return this.skip(jobSeq, seq);
    if (seq === MAX_LOG_CHUNKS) data = CHUNKS_DROPPED_MARKER;
    else if (used + Buffer.byteLength(data) > this.#maxBytes) data = truncateUtf8(data, this.#maxBytes - used) + OUTPUT_DROPPED_MARKER(this.#maxBytes);
    const time = typeof chunk.time === 'number' && Number.isFinite(chunk.time) ? Math.trunc(chunk.time) : now;
    const result = this.#insert.run(jobSeq, seq, chunk.stream, time, data);
    if (Number(result.changes) === 0) return null;
    this.advanceNext(jobSeq, seq);
    if (!data) return null;
    if (seq === MAX_LOG_CHUNKS) return { seq, stream: chunk.stream, time, data };
    this.#addBytes[chunk.stream].run(Buffer.byteLength(data), jobSeq);
    return { seq, stream: chunk.stream, time, data };
  }

  /** The first sequence number not stored yet (so the worker notices a lost chunk). */
  nextSeq(jobSeq: number): number {
    return int(this.#next.get(jobSeq)!, 'n');
  }

  /** Each stream's text in order: the seed's `stdout` and `stderr`. */
  text(jobSeq: number, stream: OutputStream): string {
    return this.#textOf
      .all(jobSeq, stream)
      .map((row) => text(row, 'data'))
      .join('');
  }

  /** Chunks after `after`, ascending: at most `limit`, stopping after the one that passes `maxChars`. */
  pageAfter(jobSeq: number, after: number, limit: number, maxChars: number): LogEntry[] {
    return take(this.#after.iterate(jobSeq, after), limit, maxChars);
  }

  /** The newest chunks before `before`, ascending: at most `limit`, stopping after the one that passes `maxChars`. */
  pageBefore(jobSeq: number, before: number, limit: number, maxChars: number): LogEntry[] {
    return take(this.#before.iterate(jobSeq, before), limit, maxChars).reverse();
  }

  hasBefore(jobSeq: number, seq: number): boolean {
    return this.#anyBefore.get(jobSeq, seq) !== undefined;
  }

  hasAfter(jobSeq: number, seq: number): boolean {
    return this.#anyAfter.get(jobSeq, seq) !== undefined;
  }

  /** A chunk not stored (past a cap): the first missing seq moves past it all the same. */
  private skip(jobSeq: number, seq: number): null {
    if (this.#exists.get(jobSeq, seq) === undefined) this.advanceNext(jobSeq, seq);
    return null;
  }

  private advanceNext(jobSeq: number, inserted: number): void {
    let next = this.nextSeq(jobSeq);
    if (inserted !== next) return;
    do next++;
    while (this.#exists.get(jobSeq, next) !== undefined);
    this.#setNext.run(next, jobSeq);
  }
}

function take(rows: Iterable<Row>, limit: number, maxChars: number): LogEntry[] {
  const out: LogEntry[] = [];
  let chars = 0;
  for (const row of rows) {
    const entry: LogEntry = { seq: int(row, 'seq'), stream: text(row, 'stream') as OutputStream, time: int(row, 'time'), data: text(row, 'data') };
    out.push(entry);
    chars += entry.data.length;
    if (out.length >= limit || chars >= maxChars) break;
  }
  return out;
}

/** The longest prefix of `value` that fits in `bytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(value: string, bytes: number): string {
  if (bytes <= 0) return '';
  const buf = Buffer.from(value);
  if (buf.length <= bytes) return value;
  let end = bytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString();
}
