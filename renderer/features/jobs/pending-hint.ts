/** Why a pending job is not running, in plain words: which PCs are busy, paused, waiting (a student at the PC, outside hours) or offline. */
import type { JobTarget, WorkerDto } from '../../../shared/api.ts';
import { workerStatus } from '../../lib/worker-state.ts';
import { describeTarget, displayName, listWords, matchesTarget } from '../../lib/targets.ts';

const pcs = (n: number) => `${n} ${n === 1 ? 'PC' : 'PCs'}`;
const are = (n: number) => (n === 1 ? 'is' : 'are');

/** "12 PCs are in use by students, 2 are outside their hours": the waiting workers, by their reasons. */
export function waitingText(waiting: readonly WorkerDto[]): string {
  const inUse = waiting.filter((w) => /in use/i.test(w.availabilityReason ?? '')).length;
  const hours = waiting.filter((w) => /outside/i.test(w.availabilityReason ?? '')).length;
  const other = waiting.length - inUse - hours;
  const parts: string[] = [];
  if (inUse) parts.push(`${pcs(inUse)} ${are(inUse)} in use by students`);
  if (hours) parts.push(`${parts.length ? hours : pcs(hours)} ${are(hours)} outside their hours`);
  if (other) parts.push(`${parts.length ? other : pcs(other)} ${are(other)} waiting for their policy to allow jobs`);
  return parts.join(', ');
}

/** Why a pending job is not running; a targeted job only counts the workers it may go to. */
export function pendingHint(workers: WorkerDto[], target: JobTarget | null = null): string {
  if (workers.length === 0) return 'No workers are registered yet. Start a worker on a lab PC (see "Add a worker").';
  if (target) {
    const named = targetedHint(workers, target);
    if (named) return named;
    workers = workers.filter((w) => matchesTarget(target, w));
  }
  const by = (s: ReturnType<typeof workerStatus>) => workers.filter((w) => workerStatus(w) === s);
  if (by('idle').length > 0) return 'A worker is free; it will start this job in a moment.';
  if (by('offline').length === workers.length) return 'All workers are offline. Check that the lab PCs are on and running CMD Executor.';
  const busy = by('busy').length;
  const paused = by('paused').length;
  const waiting = by('waiting');
  const parts: string[] = [];
  if (busy) parts.push(`${busy} busy`);
  if (paused) parts.push(`${paused} paused`);
  if (waiting.length) parts.push(waitingText(waiting));
  if (busy === 0 && waiting.length === 0) return `All online workers are paused (${paused}). Resume one on its PC or from the workers list.`;
  if (busy === 0 && paused === 0) return `${waitingText(waiting)}. The job starts when one of them is free.`;
  return `No online worker is free: ${parts.join(', ')}. The job starts when one is free.`;
}

/** The sentence for a job waiting on one named PC, or on tags no online worker has; null when the general one fits. */
function targetedHint(workers: WorkerDto[], target: JobTarget): string | null {
  const matching = workers.filter((w) => matchesTarget(target, w));
  const where = describeTarget(target, workers);
  if (matching.length === 0) return `No registered worker matches this job's target (${where}). Add the tags to a worker, or start a worker that matches.`;
  if (target.workers?.length === 1 && matching.length === 1) {
    const w = matching[0]!;
    const name = displayName(w);
    switch (workerStatus(w)) {
      case 'offline':
        return `Waiting for ${name}, which is offline. Check that the PC is on and running CMD Executor.`;
      case 'paused':
        return `Waiting for ${name}, which is paused. Resume it to let it take jobs.`;
      case 'busy':
        return `Waiting for ${name}, which is busy with another job.`;
      case 'waiting':
        return `Waiting for ${name}: ${w.availabilityReason ?? 'its policy keeps it from jobs now'}.`;
      case 'idle':
        return `${name} is free; it will start this job in a moment.`;
    }
  }
  if (matching.every((w) => w.status === 'offline')) {
    return target.tags && !target.workers && !target.os
      ? `No online worker has the tags ${listWords(target.tags)}.`
      : `Every worker this job may go to (${where}) is offline.`;
  }
  return null;
}
