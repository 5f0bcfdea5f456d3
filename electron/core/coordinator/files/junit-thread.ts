/**
 * Reads test reports off the coordinator's event loop: parsing 8 MB of XML takes a store for a while,
 * and sixty uploads of it at once kept /api/health waiting for seconds. One thread, started on first
 * use, takes the requests in turn; the event loop only waits for the answer.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { TestCounts } from '../../../../shared/api.ts';
import { readReports, type ReportFile, type ReportsRead } from '../grading/test-report.ts';
import { countJunit } from './junit.ts';

type Question = { kind: 'count'; xml: string } | { kind: 'reports'; files: ReportFile[] };
type Request = Question & { id: number };

interface Answer {
  id: number;
  value: unknown;
}

let thread: Worker | undefined;
let nextId = 0;
/** Each request's resolve, and what it gets if the thread dies first. */
const waiting = new Map<number, { resolve: (value: unknown) => void; fallback: unknown }>();

/** The counts of a JUnit report (null when it is not one), parsed in the helper thread. */
export function countJunitOffThread(xml: string): Promise<TestCounts | null> {
  return ask<TestCounts | null>({ kind: 'count', xml }, null);
}

/** A job's report files (JUnit or TAP) read and merged in the helper thread: the cases, the counts, and what could not be read. */
export function readReportsOffThread(files: readonly ReportFile[]): Promise<ReportsRead> {
  const lost: ReportsRead = {
    report: null,
    unread: files.map(({ fileName }) => ({ fileName, reason: `${fileName} could not be read: the report reader stopped` })),
  };
  return ask<ReportsRead>({ kind: 'reports', files: [...files] }, lost);
}

function ask<T>(question: Question, fallback: T): Promise<T> {
  const worker = (thread ??= startThread());
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, fallback });
    worker.ref(); // held while an answer is awaited, let go when idle
    worker.postMessage({ ...question, id } satisfies Request);
  });
}

function startThread(): Worker {
  // This very file, as built (.js) or as source (.ts, run with type stripping).
  const self = new URL(`./junit-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  const worker = new Worker(self);
  worker.on('message', (answer: Answer) => {
    waiting.get(answer.id)?.resolve(answer.value);
    waiting.delete(answer.id);
    if (waiting.size === 0) worker.unref();
  });
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    // A crashed parser: what waited gets its fallback (no report), and the next request starts a new thread.
    for (const { resolve, fallback } of waiting.values()) resolve(fallback);
    waiting.clear();
    thread = undefined;
  });
  return worker;
}

function answer(request: Request): unknown {
  return request.kind === 'count' ? countJunit(request.xml) : readReports(request.files);
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (request: Request) => port.postMessage({ id: request.id, value: answer(request) } satisfies Answer));
}
