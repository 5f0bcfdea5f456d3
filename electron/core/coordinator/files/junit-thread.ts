/**
 * Counts JUnit reports off the coordinator's event loop: parsing 8 MB of XML takes a store for a while,
 * and sixty uploads of it at once kept /api/health waiting for seconds. One thread, started on first
 * use, takes the texts in turn; the event loop only waits for the answer.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { TestCounts } from '../../../../shared/api.ts';
import { countJunit } from './junit.ts';

interface Answer {
  id: number;
  counts: TestCounts | null;
}

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (counts: TestCounts | null) => void>();

/** The counts of a JUnit report (null when it is not one), parsed in the helper thread. */
export function countJunitOffThread(xml: string): Promise<TestCounts | null> {
  const worker = (thread ??= startThread());
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker.ref(); // held while an answer is awaited, let go when idle
    worker.postMessage({ id, xml });
  });
}

function startThread(): Worker {
  // This very file, as built (.js) or as source (.ts, run with type stripping).
  const self = new URL(`./junit-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  const worker = new Worker(self);
  worker.on('message', (answer: Answer) => {
    waiting.get(answer.id)?.(answer.counts);
    waiting.delete(answer.id);
    if (waiting.size === 0) worker.unref();
  });
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    // A crashed parser: what waited counts as no report, and the next upload starts a new thread.
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    thread = undefined;
  });
  return worker;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', ({ id, xml }: { id: number; xml: string }) => port.postMessage({ id, counts: countJunit(xml) } satisfies Answer));
}
