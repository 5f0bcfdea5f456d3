/**
 * The similarity check off the coordinator's event loop: a class of zips takes seconds of CPU, and
 * /api/health must not wait for it. Each check gets its own thread (its index takes tens of MB, given
 * back when the thread ends), checks run one at a time (two cores are shared with the jobs' traffic),
 * and the thread's heap is bounded so an enormous input ends the thread, not the coordinator. The
 * thread is this very file, as built (.js) or as source (.ts under type stripping), as junit-thread.ts does.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { compareSubmissions, type SimilarityOptions, type SimilarityResult, type Submission } from './similarity.ts';
import { readSubmissionZips, type SubmissionZip } from './similarity-zip.ts';

export interface ZipSimilarityOptions extends SimilarityOptions {
  /** Zips of the teacher's starter files and hidden tests: their source files join `exclude`. */
  excludeZips?: string[];
}

export interface ThreadOptions {
  /** Stops the thread; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The thread's heap bound (default 1024 MB). */
  maxHeapMb?: number;
}

type Request =
  | { kind: 'texts'; submissions: readonly Submission[]; options: SimilarityOptions }
  | { kind: 'zips'; zips: readonly SubmissionZip[]; options: ZipSimilarityOptions };
type Answer = { result: SimilarityResult } | { error: string };

const ROLE = 'cmdx-similarity';
let queue: Promise<unknown> = Promise.resolve();

/** compareSubmissions in a worker thread: the same answer, the event loop free meanwhile. */
export function compareSubmissionsOffThread(
  submissions: readonly Submission[],
  options: SimilarityOptions = {},
  thread: ThreadOptions = {},
): Promise<SimilarityResult> {
  return inTurn({ kind: 'texts', submissions, options }, thread);
}

/** Reads the students' zips and compares them, all in a worker thread; an unreadable zip is in `skipped`. */
export function compareZipsOffThread(
  zips: readonly SubmissionZip[],
  options: ZipSimilarityOptions = {},
  thread: ThreadOptions = {},
): Promise<SimilarityResult> {
  return inTurn({ kind: 'zips', zips, options }, thread);
}

function inTurn(request: Request, thread: ThreadOptions): Promise<SimilarityResult> {
  const run = queue.then(() => runThread(request, thread));
  queue = run.catch(() => undefined);
  return run;
}

function runThread(request: Request, { signal, maxHeapMb = 1024 }: ThreadOptions): Promise<SimilarityResult> {
  signal?.throwIfAborted();
  const self = new URL(`./similarity-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  const worker = new Worker(self, { workerData: { role: ROLE, request }, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, result?: SimilarityResult) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (result) resolve(result);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onAbort = () => finish(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (answer: Answer) => ('result' in answer ? finish(undefined, answer.result) : finish(new Error(answer.error))));
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(new Error(`the similarity thread stopped before answering (exit code ${code})`)));
  });
}

/** What the thread does: read the zips if it was given zips, then compare. */
async function answer(request: Request): Promise<SimilarityResult> {
  if (request.kind === 'texts') return compareSubmissions(request.submissions, request.options);
  const { excludeZips = [], ...options } = request.options;
  const limits = { maxFileBytes: options.maxFileBytes, maxSubmissionBytes: options.maxSubmissionBytes };
  const read = await readSubmissionZips(request.zips, limits);
  const teacher = await readSubmissionZips(
    excludeZips.map((zipPath, i) => ({ id: `excluded ${i + 1}`, zipPath })),
    limits,
  );
  const exclude = [...(options.exclude ?? []), ...teacher.submissions.flatMap((s) => s.files)];
  const result = compareSubmissions(read.submissions, { ...options, exclude });
  return { pairs: result.pairs, skipped: [...teacher.skipped, ...read.skipped, ...result.skipped] };
}

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === ROLE) {
  const port = parentPort;
  answer((workerData as { request: Request }).request).then(
    (result) => port.postMessage({ result } satisfies Answer),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies Answer),
  );
}
