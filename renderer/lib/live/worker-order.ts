/** The workers list's order: the API's (by name), and rows that keep their place as they change. */
import type { WorkerDto } from '../../../shared/api.ts';

/** Changed workers replace theirs in place (a row never jumps when its status changes); a new one goes where its name sorts. */
export function mergeWorkers(current: readonly WorkerDto[], changed: readonly WorkerDto[]): WorkerDto[] {
  const workers = [...current];
  for (const w of changed) {
    const i = workers.findIndex((x) => x.workerId === w.workerId);
    if (i >= 0) {
      workers[i] = w;
      continue;
    }
    // After the last row that sorts before it (a renamed row may be out of order until the next snapshot).
    let at = workers.length;
    while (at > 0 && nameOrder(workers[at - 1]!, w) > 0) at--;
    workers.splice(at, 0, w);
  }
  return workers;
}

/** The API's order: the name without regard to case (SQLite's NOCASE), then the id. */
function nameOrder(a: WorkerDto, b: WorkerDto): number {
  const [x, y] = [(a.name || a.hostname).toLowerCase(), (b.name || b.hostname).toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  return a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0;
}
