/** The job_output table: numbered chunks per job and stream, capped per stream. */
import type { StatementSync } from 'node:sqlite';
import type { OutputStream } from '../../../../shared/api.ts';
import type { Database } from '../db/database.ts';
import { int, text } from '../db/row.ts';

export const OUTPUT_DROPPED_MARKER = (bytes: number) => `\n[cmdx: output over the coordinator's limit of ${bytes} bytes was dropped]\n`;

type PerStream = Record<OutputStream, StatementSync>;

export class OutputRepository {
  readonly #maxBytes: number;
  readonly #textOf: StatementSync;
  readonly #bytes: PerStream;
  readonly #addBytes: PerStream;
  readonly #insert: StatementSync;
  readonly #next: StatementSync;
  readonly #hasFirst: StatementSync;

  /** `maxBytesPerStream`: chunks past it are dropped and a marker says so. */
  constructor(db: Database, maxBytesPerStream: number) {
    this.#maxBytes = maxBytesPerStream;
    this.#textOf = db.prepare('SELECT data FROM job_output WHERE job_seq = ? AND stream = ? ORDER BY seq');
    // Bytes stored per stream live on the job row, so appending never re-reads what is stored.
    this.#bytes = {
      stdout: db.prepare('SELECT stdout_bytes AS n FROM jobs WHERE seq = ?'),
      stderr: db.prepare('SELECT stderr_bytes AS n FROM jobs WHERE seq = ?'),
    };
    this.#addBytes = {
      stdout: db.prepare('UPDATE jobs SET stdout_bytes = stdout_bytes + ? WHERE seq = ?'),
      stderr: db.prepare('UPDATE jobs SET stderr_bytes = stderr_bytes + ? WHERE seq = ?'),
    };
    this.#insert = db.prepare('INSERT OR IGNORE INTO job_output (job_seq, stream, seq, data) VALUES (?, ?, ?, ?)');
    this.#next = db.prepare(`
      SELECT COALESCE(MIN(o.seq + 1), 0) AS next FROM job_output o
      WHERE o.job_seq = $job AND o.stream = $stream
        AND NOT EXISTS (SELECT 1 FROM job_output n WHERE n.job_seq = o.job_seq AND n.stream = o.stream AND n.seq = o.seq + 1)`);
    this.#hasFirst = db.prepare('SELECT 1 FROM job_output WHERE job_seq = ? AND stream = ? AND seq = 0');
  }

  /** Inserts one chunk within the per-stream cap; returns the text stored, or null if it was a repeat or dropped. */
  append(jobSeq: number, stream: OutputStream, seq: number, data: string): string | null {
    const used = int(this.#bytes[stream].get(jobSeq)!, 'n');
    if (used >= this.#maxBytes) return null;
    let stored = data;
    if (used + Buffer.byteLength(data) > this.#maxBytes) {
      stored = truncateUtf8(data, this.#maxBytes - used) + OUTPUT_DROPPED_MARKER(this.#maxBytes);
    }
    const result = this.#insert.run(jobSeq, stream, Math.max(seq, 0), stored);
    if (Number(result.changes) === 0) return null;
    this.#addBytes[stream].run(Buffer.byteLength(stored), jobSeq);
    return stored;
  }

  /** The first sequence number missing for this stream (so the worker notices a lost chunk). */
  nextSeq(jobSeq: number, stream: OutputStream): number {
    return int(this.#next.get({ $job: jobSeq, $stream: stream })!, 'next');
  }

  hasFirstChunk(jobSeq: number, stream: OutputStream): boolean {
    return this.#hasFirst.get(jobSeq, stream) !== undefined;
  }

  text(jobSeq: number, stream: OutputStream): string {
    return this.#textOf
      .all(jobSeq, stream)
      .map((row) => text(row, 'data'))
      .join('');
  }
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
