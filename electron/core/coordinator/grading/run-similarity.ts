/**
 * The similarity check of a map run: its students' zips compared in a worker thread, the hidden tests
 * and starter code left out, answered by job and student. A run's answer is kept (a few runs, while
 * their zips stay the same), since a class's check takes a second or more.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunStatusDto } from '../../../../shared/api.ts';
import { uploadNameFromUrl } from '../../../../shared/uploads.ts';
import type { CoordinatorContext } from '../context.ts';
import { compareZipsOffThread } from './similarity-thread.ts';
import { studentOf } from './students.ts';
import type { SimilarityResult } from './similarity.ts';

const KEPT_RUNS = 8;
const kept = new Map<string, { key: string; result: SimilarityResult; ms: number }>();

export interface RunSimilarity {
  runId: string;
  pairs: {
    a: { jobId: string; filename: string; student: string };
    b: { jobId: string; filename: string; student: string };
    ratio: number;
    sharedFingerprints: number;
    regions: SimilarityResult['pairs'][number]['regions'];
  }[];
  skipped: SimilarityResult['skipped'];
  ms: number;
}

export async function similarityOf(ctx: CoordinatorContext, status: RunStatusDto, top: number): Promise<RunSimilarity> {
  const run = ctx.store.runs.get(status.runId)!;
  const pathOf = (fileUrl: string | null | undefined) => {
    const name = fileUrl ? uploadNameFromUrl(fileUrl) : null;
    const path = name ? join(ctx.uploadsDir, name) : null;
    return path && existsSync(path) ? path : null;
  };
  const zips = status.jobs.flatMap((job) => {
    const zipPath = pathOf(ctx.store.jobs.get(job.jobId)?.fileUrl);
    return zipPath ? [{ id: job.jobId, zipPath }] : [];
  });
  const excludeZips = [pathOf(run.grading?.testsUrl), pathOf(run.grading?.baseUrl)].filter((p): p is string => p !== null);
  const key = JSON.stringify([zips, excludeZips]);
  let found = kept.get(run.runId);
  if (!found || found.key !== key) {
    const started = performance.now();
    const result = await compareZipsOffThread(zips, { excludeZips, topPairs: 500 }, { maxHeapMb: 512 });
    found = { key, result, ms: Math.round(performance.now() - started) };
    kept.delete(run.runId);
    kept.set(run.runId, found);
    if (kept.size > KEPT_RUNS) kept.delete(kept.keys().next().value!);
  }
  const byId = new Map(status.jobs.map((job) => [job.jobId, job]));
  const who = (jobId: string) => {
    const filename = byId.get(jobId)?.filename ?? jobId;
    return { jobId, filename, student: studentOf(filename, run.students).student };
  };
  return {
    runId: run.runId,
    pairs: found.result.pairs.slice(0, top).map((pair) => ({ ...pair, a: who(pair.a), b: who(pair.b) })),
    skipped: found.result.skipped,
    ms: found.ms,
  };
}
