/** Which workers a job may go to: matching, normalising and describing a target in words. */
import type { JobTarget } from '../../../../shared/api.ts';

export { matchesTarget, type TargetableWorker } from '../../../../shared/targets.ts';

/** The same target always serialises the same way (sorted, deduplicated), so equal targets share an index entry. */
export function normalizeTarget(target: JobTarget | null | undefined): JobTarget | null {
  if (!target) return null;
  const out: JobTarget = {};
  if (target.workers?.length) out.workers = [...new Set(target.workers)].sort();
  if (target.tags?.length) out.tags = [...new Set(target.tags)].sort();
  if (target.os) out.os = target.os;
  return Object.keys(out).length ? out : null;
}

export function targetKey(target: JobTarget): string {
  return JSON.stringify(target);
}

/** The one worker a target names and nothing else (such jobs are indexed by that worker). */
export function soleWorker(target: JobTarget | null): string | null {
  return target?.workers?.length === 1 && !target.tags && !target.os ? target.workers[0]! : null;
}

/** "lab-pc-07", "PCs tagged room-b and gpu on linux", "3 named PCs": for sentences. */
export function describeTarget(target: JobTarget): string {
  const parts: string[] = [];
  if (target.workers) parts.push(target.workers.length <= 3 ? target.workers.join(', ') : `${target.workers.length} named PCs`);
  if (target.tags) parts.push(`PCs tagged ${target.tags.join(' and ')}`);
  if (target.os) parts.push(`${parts.length ? 'on' : 'PCs running'} ${target.os}`);
  return parts.join(' ');
}
