/**
 * Schedules of saved commands: settings checked (a 5- or 6-field cron through croner, a real time
 * zone), their next times, and what each due time becomes (schedule-clock.ts decides when).
 */
import { Cron } from 'croner';
import { cronWords } from '../../../../shared/cron-words.ts';
import type { ScheduleDto } from '../../../../shared/templates.ts';
import type { ScheduleRecord, ScheduleSettings } from '../state/repositories/schedules.ts';
import type { Store } from '../state/store.ts';

export const DEFAULT_GRACE_MINUTES = 60;

/** The coordinator's own time zone, the default for a schedule that names none. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export type SettingsOutcome = { ok: true; settings: ScheduleSettings } | { ok: false; message: string };

export interface ScheduleRequest {
  cron: string;
  timezone?: string;
  params?: Record<string, string | number | boolean>;
  wakeMinutesBefore?: number;
  graceMinutes?: number;
  overlap?: 'skip' | 'allow';
  after?: { power: 'none' | 'shutdown' | 'reboot'; onlyIfWoken?: boolean };
}

/** The settings as kept, or what is wrong with the expression or the time zone. */
export function scheduleSettings(request: ScheduleRequest): SettingsOutcome {
  const fields = request.cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    return {
      ok: false,
      message: `A cron expression has 5 fields (minute hour day month weekday), or 6 with seconds first; "${request.cron}" has ${fields.length}.`,
    };
  const timezone = request.timezone ?? localTimeZone();
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return { ok: false, message: `"${timezone}" is not a time zone; use an IANA name such as Europe/Paris or America/New_York.` };
  }
  try {
    new Cron(request.cron, { timezone, paused: true });
  } catch (error) {
    return { ok: false, message: `The cron expression "${request.cron}" is not valid: ${(error as Error).message.replace(/^CronPattern: /, '')}.` };
  }
  return {
    ok: true,
    settings: {
      cron: request.cron.trim(),
      timezone,
      params: request.params ?? {},
      wakeMinutesBefore: request.wakeMinutesBefore ?? null,
      graceMinutes: request.graceMinutes ?? DEFAULT_GRACE_MINUTES,
      overlap: request.overlap ?? 'skip',
      after: { power: request.after?.power ?? 'none', onlyIfWoken: request.after?.onlyIfWoken ?? true },
    },
  };
}

/** The next `count` due times strictly after `from` (ms). */
export function nextTimes(settings: Pick<ScheduleSettings, 'cron' | 'timezone'>, from: number, count: number): number[] {
  return new Cron(settings.cron, { timezone: settings.timezone, paused: true }).nextRuns(count, new Date(from)).map((d) => d.getTime());
}

/** How far back a coordinator that was down looks for due times it missed: older ones are not recorded one by one. */
const LOOK_BACK_MS = 7 * 24 * 3600 * 1000;

/** The due times in (after, until], oldest first: at most `limit`, the newest, within the last week. */
export function dueTimes(settings: Pick<ScheduleSettings, 'cron' | 'timezone'>, after: number, until: number, limit = 10): number[] {
  const cron = new Cron(settings.cron, { timezone: settings.timezone, paused: true });
  const times: number[] = [];
  // Bounded in count: a schedule due every second over a long outage still costs at most 10,000 steps.
  let next = cron.nextRun(new Date(Math.max(after, until - LOOK_BACK_MS)));
  for (let steps = 0; next && next.getTime() <= until && steps < 10_000; steps++) {
    times.push(next.getTime());
    if (times.length > limit) times.shift();
    next = cron.nextRun(next);
  }
  return times;
}

export function scheduleDto(store: Store, schedule: ScheduleRecord): ScheduleDto {
  const { body } = schedule;
  const last = store.schedules.history(schedule.scheduleId, 1)[0] ?? null;
  return {
    scheduleId: schedule.scheduleId,
    templateId: schedule.templateId,
    cron: body.cron,
    timezone: body.timezone,
    words: cronWords(body.cron),
    params: body.params,
    wakeMinutesBefore: body.wakeMinutesBefore,
    graceMinutes: body.graceMinutes,
    overlap: body.overlap,
    after: body.after,
    paused: schedule.paused,
    createdAt: schedule.createdAt,
    lastRun: last,
    next: schedule.paused ? [] : nextTimes(body, store.now(), 5),
  };
}
