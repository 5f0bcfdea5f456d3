/**
 * When a worker may run jobs, so it never gets in the way of the student at the PC: always, only
 * when nobody has touched keyboard or mouse for a while, or in weekly windows; what to do with a
 * running job when the user comes back; and the priority jobs run at. Pure: a clock and an idle
 * reading go in, "available or not, and why" comes out.
 */
import type { WorkerPolicy } from './policy-schema.ts';

export { ON_USER_RETURN, POLICY_WHEN, PRIORITIES, type WorkerPolicy } from './policy-schema.ts';

export const DEFAULT_POLICY: WorkerPolicy = { when: 'always', idleMinutes: 10, windows: null, onUserReturn: 'suspend', priority: 'low', notices: true };

export interface Availability {
  available: boolean;
  /** Why not, for people ("PC in use since 10:42", "outside its hours until 18:00"). */
  reason: string | null;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** A window: on these days (0 = Sunday), from `start` to `end` minutes after midnight; an end before the start runs past midnight. */
export interface Window {
  days: number[];
  start: number;
  end: number;
}

/** "Mon-Fri 18:00-07:30; Sat-Sun 00:00-24:00" (or "all day") → windows; throws a sentence naming the part it cannot read. */
export function parseWindows(text: string): Window[] {
  const windows: Window[] = [];
  for (const part of text
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(?:(all day)|(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2}))$/i.exec(part);
    if (!m) throw new Error(`"${part.slice(0, 60)}" is not a window: write it like "Mon-Fri 18:00-07:30" or "Sat-Sun all day".`);
    const first = dayIndex(m[1]!);
    const last = m[2] ? dayIndex(m[2]) : first;
    if (first < 0 || last < 0) throw new Error(`"${part.slice(0, 60)}": days are Mon, Tue, Wed, Thu, Fri, Sat and Sun.`);
    const days: number[] = [];
    for (let d = first; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === last) break;
    }
    const start = m[3] ? 0 : Number(m[4]) * 60 + Number(m[5]);
    const end = m[3] ? 24 * 60 : Number(m[6]) * 60 + Number(m[7]);
    if (start > 24 * 60 || end > 24 * 60 || Number(m[5] ?? 0) > 59 || Number(m[7] ?? 0) > 59)
      throw new Error(`"${part.slice(0, 60)}": times run from 00:00 to 24:00.`);
    if (start === end) throw new Error(`"${part.slice(0, 60)}": the window starts and ends at the same time.`);
    windows.push({ days, start, end });
  }
  if (windows.length === 0) throw new Error('A schedule needs at least one window, like "Mon-Fri 18:00-07:30".');
  return windows;
}

function dayIndex(name: string): number {
  return DAYS.findIndex((d) => d.toLowerCase() === name.toLowerCase());
}

/** Whether `at` (local time) falls in a window; a window past midnight belongs to the day it started. */
export function inWindows(windows: Window[], at: Date): boolean {
  const day = at.getDay();
  const minute = at.getHours() * 60 + at.getMinutes();
  return windows.some((w) => {
    if (w.start < w.end) return w.days.includes(day) && minute >= w.start && minute < w.end;
    return (w.days.includes(day) && minute >= w.start) || (w.days.includes((day + 6) % 7) && minute < w.end);
  });
}

/** The next moment (minute precision, within a week) the schedule opens, or null. */
export function nextOpening(windows: Window[], from: Date): Date | null {
  const probe = new Date(from);
  probe.setSeconds(0, 0);
  for (let i = 0; i < 7 * 24 * 60; i++) {
    probe.setMinutes(probe.getMinutes() + 1);
    if (inWindows(windows, probe)) return probe;
  }
  return null;
}

/**
 * Whether the worker may run a job now. `idleSeconds` is how long keyboard and mouse have been
 * untouched, or null when this PC cannot tell (then `idle` behaves as `always`).
 */
export function availability(policy: WorkerPolicy, now: Date, idleSeconds: number | null): Availability {
  if (policy.when === 'idle' && idleSeconds !== null && idleSeconds < policy.idleMinutes * 60) {
    const since = new Date(now.getTime() - idleSeconds * 1000);
    return { available: false, reason: `PC in use since ${clock(since)} (jobs run after ${policy.idleMinutes} min without keyboard or mouse)` };
  }
  if (policy.when === 'schedule' && policy.windows) {
    const windows = parseWindows(policy.windows);
    if (!inWindows(windows, now)) {
      const next = nextOpening(windows, now);
      return {
        available: false,
        reason: next
          ? `outside its hours until ${next.getDay() === now.getDay() ? clock(next) : `${DAYS[next.getDay()]} ${clock(next)}`}`
          : 'outside its hours',
      };
    }
  }
  return { available: true, reason: null };
}

/** "10:42": a moment in local time, hours and minutes, as the tray and the reasons say it. */
export function clock(at: Date): string {
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** "jobs when idle 10 min; suspend on return; low priority": the policy in words, for the tray and the dashboard. */
export function describePolicy(policy: WorkerPolicy): string {
  const when =
    policy.when === 'always'
      ? 'jobs at any time'
      : policy.when === 'idle'
        ? `jobs after ${policy.idleMinutes} min idle`
        : `jobs ${policy.windows ?? 'on a schedule'}`;
  const back = policy.when === 'always' ? '' : `; when the user returns: ${policy.onUserReturn}`;
  return `${when}${back}; ${policy.priority} priority`;
}
