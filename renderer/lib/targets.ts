/** Which workers a job or run may go to, as the coordinator decides it (electron/core/coordinator/targeting.ts), for the page's own counts and sentences. */
import type { JobTarget, WorkerDto } from '../../shared/api.ts';
import { DIRECT_WORKER_ID } from '../../shared/targets.ts';

export { matchesTarget } from '../../shared/targets.ts';

/** "room-b and gpu", "a, b or c": for sentences. */
export function listWords(words: readonly string[], last: 'and' | 'or' = 'and'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${last} ${words.at(-1)}`;
}

/** What people call a worker: the admin's name for it, else its hostname. */
export function displayName(worker: Pick<WorkerDto, 'name' | 'hostname'>): string {
  return worker.name || worker.hostname;
}

/** A worker by its name when the page knows it, else its id (`coordinator` for a direct run, or a worker since removed). */
export function workerName(workerId: string, workers: readonly WorkerDto[]): string {
  const worker = workers.find((w) => w.workerId === workerId);
  return worker ? displayName(worker) : workerId;
}

/** The worker id of direct runs: the coordinator ran them itself. */
export const DIRECT_WORKER = DIRECT_WORKER_ID;

/** "lab-pc-07", "PCs tagged room-b and gpu", "3 named PCs on linux": where a job or run may run (PCs by their names). */
export function describeTarget(target: JobTarget, workers: readonly WorkerDto[]): string {
  const parts: string[] = [];
  if (target.workers)
    parts.push(
      target.workers.length <= 3
        ? listWords(
            target.workers.map((id) => workerName(id, workers)),
            'or',
          )
        : `${target.workers.length} named PCs`,
    );
  if (target.tags) parts.push(`PCs tagged ${listWords(target.tags)}`);
  if (target.os) parts.push(`${parts.length ? 'on' : 'PCs running'} ${target.os}`);
  return parts.join(' ');
}

/** Every tag the workers carry, with how many carry it, most common first. */
export function tagCounts(workers: readonly WorkerDto[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const w of workers) for (const tag of w.tags ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

/** The offline workers' ids as one string: changes exactly when a worker goes offline or comes back. */
export function offlineKey(workers: readonly WorkerDto[]): string {
  return workers
    .filter((w) => w.status === 'offline')
    .map((w) => w.workerId)
    .sort()
    .join(' ');
}
