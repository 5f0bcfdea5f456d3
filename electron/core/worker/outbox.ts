/**
 * Final job reports written to disk before they are sent, and deleted only once the coordinator
 * acknowledges them, so a result survives a coordinator restart and a worker restart alike.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerEndReason } from '../../../shared/job-status.ts';
import { privateDir } from '../paths.ts';

export type FinalReport = (
  | { kind: 'result'; jobId: string; exitCode: number; commandStartedAt?: number }
  | { kind: 'failure'; jobId: string; errorMessage: string; endReason?: WorkerEndReason; commandStartedAt?: number }
) & {
  /** The job's result files, zipped in the outbox folder (see artifactsPath): sent before the report (a whole zip there is sent even if a crash came before this was set). */
  artifacts?: boolean;
};

export class Outbox {
  readonly #dir: string;

  constructor(workDir: string) {
    this.#dir = join(workDir, 'outbox');
    privateDir(this.#dir);
  }

  /** Durable before it returns: written to a temporary name, then renamed over. */
  put(report: FinalReport): void {
    const file = this.file(report.jobId);
    writeFileSync(file + '.tmp', JSON.stringify(report), { mode: 0o600, flush: true });
    renameSync(file + '.tmp', file);
  }

  remove(jobId: string): void {
    rmSync(this.file(jobId), { force: true });
    rmSync(this.artifactsPath(jobId), { force: true });
    rmSync(`${this.artifactsPath(jobId)}.part`, { force: true });
  }

  hasArtifacts(jobId: string): boolean {
    return existsSync(this.artifactsPath(jobId));
  }

  /** Where a job's result files wait, zipped, until the coordinator has them. */
  artifactsPath(jobId: string): string {
    return join(this.#dir, `${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}.artifacts.zip`);
  }

  /** The result files were delivered (or are gone): the report no longer carries them. */
  artifactsSent(report: FinalReport): void {
    report.artifacts = false;
    this.put(report);
    rmSync(this.artifactsPath(report.jobId), { force: true });
  }

  clear(): void {
    for (const report of this.list()) this.remove(report.jobId);
  }

  has(jobId: string): boolean {
    return this.list().some((r) => r.jobId === jobId);
  }

  list(): FinalReport[] {
    const reports: FinalReport[] = [];
    for (const name of readdirSync(this.#dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        reports.push(JSON.parse(readFileSync(join(this.#dir, name), 'utf8')) as FinalReport);
      } catch {
        rmSync(join(this.#dir, name), { force: true }); // a torn write from a crash: nothing to send
      }
    }
    return reports;
  }

  private file(jobId: string): string {
    return join(this.#dir, `${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }
}
