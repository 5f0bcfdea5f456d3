/** The workers list's order: the API's (by name), and rows that keep their place as they change. */
import type { WorkerDto } from '../../../shared/api.ts';

/** Changed workers replace theirs in place (a row never jumps when its status changes); a new one goes where its name sorts. */
export function mergeWorkers(current: readonly WorkerDto[], changed: readonly WorkerDto[]): WorkerDto[] {
  if (changed.length === 0) return current as WorkerDto[];
  const workers = [...current];
  const index = new Map(workers.map((w, i) => [w.workerId, i]));
  for (const w of changed) {
    // The index is right until a new worker is spliced in; past that, look again.
    let i = index.get(w.workerId) ?? -1;
    if (i >= 0 && workers[i]?.workerId !== w.workerId) i = workers.findIndex((x) => x.workerId === w.workerId);
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

/** Workers whose heartbeat is all that changed (`seen`: id → its time): only those get a new object, so other rows stay as they were. */
export function withSeen(current: readonly WorkerDto[], seen: Readonly<Record<string, number>>): WorkerDto[] {
  return current.map((w) => {
    const at = seen[w.workerId];
    return at === undefined ? w : { ...w, lastHeartbeat: at };
  });
}
