/** A running job on hold (frozen on its PC while the student there uses it): its fields, its words, and a running time that stops while it holds. */
import { z } from 'zod';

/** A running job frozen while the student is at the PC (the lab's policy): its running time does not count meanwhile. */
export const suspensionFields = {
  /** On hold now: frozen on its PC while the student there uses it. */
  suspended: z.boolean(),
  /** Since when (ms, the coordinator's clock; null: not on hold). */
  suspendedSince: z.number().nullable(),
  /** How long it was on hold before (ms), left out of its running time. */
  suspendedMs: z.number(),
};

export interface HoldFacts {
  startedAt: number | null;
  completedAt: number | null;
  suspendedSince: number | null;
  suspendedMs: number;
}

/** "10:23", the local time of day (24 h, so it reads the same in every locale). */
export function hourMinute(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** "student at the PC since 10:23": why it holds, for a badge's or a tile's second line. */
export function holdReason(since: number): string {
  return `student at the PC since ${hourMinute(since)}`;
}

/** "On hold (student at the PC since 10:23)". */
export function onHoldText(since: number): string {
  return `On hold (${holdReason(since)})`;
}

/** How long it has run (ms): up to its end, or now, without the time it was on hold; null before it started. */
export function runningMs(job: HoldFacts, now: number): number | null {
  if (job.startedAt === null) return null;
  const until = job.completedAt ?? job.suspendedSince ?? now;
  return Math.max(0, until - job.startedAt - job.suspendedMs);
}
