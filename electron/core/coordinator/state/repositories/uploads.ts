/** Uploaded zips as the database knows them: their SHA-256, and what uses them (a job's zip, a grading run's hidden tests, a saved command's zip). */
import type { SqlStatement } from '../sql.ts';
import type { Database } from '../sql.ts';
import { text } from '../row.ts';

export class UploadRepository {
  readonly #record: SqlStatement;
  readonly #sha256: SqlStatement;
  readonly #forget: SqlStatement;
  readonly #inUseBy: SqlStatement;
  readonly #referenced: SqlStatement;
  readonly #doneBefore: SqlStatement;

  constructor(db: Database) {
    this.#record = db.prepare(`INSERT INTO uploads (name, sha256, created_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, created_at = excluded.created_at`);
    this.#sha256 = db.prepare('SELECT sha256 FROM uploads WHERE name = ?');
    this.#forget = db.prepare('DELETE FROM uploads WHERE name = ?');
    // A job's zip, or a grading run's hidden tests, each looked up through its own index.
    this.#inUseBy = db.prepare(`
      SELECT 1 FROM jobs WHERE file_url = ?1 AND status = 'running' AND worker_id = ?2
      UNION ALL SELECT 1 FROM jobs WHERE tests_url = ?1 AND status = 'running' AND worker_id = ?2 LIMIT 1`);
    this.#referenced = db.prepare(`
      SELECT 1 FROM jobs WHERE file_url = ?1 UNION ALL SELECT 1 FROM jobs WHERE tests_url = ?1
      UNION ALL SELECT 1 FROM template_files WHERE file_url = ?1 LIMIT 1`);
    this.#doneBefore = db.prepare(`
      SELECT url FROM (
        SELECT file_url AS url, status, completed_at, created_at FROM jobs WHERE file_url LIKE '/uploads/%'
        UNION ALL SELECT tests_url, status, completed_at, created_at FROM jobs WHERE tests_url IS NOT NULL) AS uses
      GROUP BY url
      HAVING SUM(CASE WHEN status IN ('pending', 'running') THEN 1 ELSE 0 END) = 0 AND MAX(COALESCE(completed_at, created_at)) < ?
        AND url NOT IN (SELECT file_url FROM template_files)`);
  }

  record(name: string, sha256: string, now: number): void {
    this.#record.run(name, sha256, now);
  }

  sha256(name: string): string | null {
    const row = this.#sha256.get(name);
    return row ? text(row, 'sha256') : null;
  }

  forget(name: string): void {
    this.#forget.run(name);
  }

  /** Whether `fileUrl` is the zip or the hidden tests of a job `workerId` runs now. */
  inUseBy(fileUrl: string, workerId: string): boolean {
    return this.#inUseBy.get(fileUrl, workerId) !== undefined;
  }

  isReferenced(fileUrl: string): boolean {
    return this.#referenced.get(fileUrl) !== undefined;
  }

  /** Upload URLs whose jobs all ended before `cutoff` (ms). */
  doneBefore(cutoff: number): string[] {
    return this.#doneBefore.all(cutoff).map((row) => text(row, 'url'));
  }
}
