/** Reading workers as the API shows them, and the one worker a per-worker token belongs to. */
import type { WorkerDto } from '../../../../shared/api.ts';
import type { Store } from '../state/store.ts';

export function getWorker(store: Store, workerId: string): WorkerDto | undefined {
  const worker = store.workers.get(workerId);
  return worker && store.workerDto(worker);
}

export function listWorkers(store: Store): WorkerDto[] {
  return store.workers.all().map((w) => store.workerDto(w));
}

/** The worker a per-worker token (by its SHA-256) belongs to. */
export function workerIdForTokenHash(store: Store, tokenHash: string): string | undefined {
  return store.workers.idForTokenHash(tokenHash);
}

/** Any request by this worker: a sign of life. */
export function noteWorkerSeen(store: Store, workerId: string): void {
  store.seen(workerId, store.now());
}
