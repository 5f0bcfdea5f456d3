/** The schedule form's state as its fields hold it, from a schedule (or a new one's defaults) and back into the body the coordinator takes. */
import type { ScheduleBody, ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { initialValues, valuesOf, type ParamInput } from './param-fields.tsx';

export type PowerAfter = ScheduleDto['after']['power'];

export interface ScheduleDraft {
  cron: string;
  /** Empty: the coordinator's time zone. */
  timezone: string;
  params: ParamInput;
  /** Empty: do not wake its PCs. */
  wakeMinutes: string;
  graceMinutes: string;
  overlap: ScheduleDto['overlap'];
  power: PowerAfter;
  onlyIfWoken: boolean;
}

/** What the coordinator assumes when the field is left out. */
export const DEFAULT_GRACE_MINUTES = 60;

export function scheduleDraftOf(template: TemplateDto, schedule: ScheduleDto | null): ScheduleDraft {
  if (!schedule)
    return {
      cron: '',
      timezone: '',
      params: initialValues(template.params),
      wakeMinutes: '',
      graceMinutes: String(DEFAULT_GRACE_MINUTES),
      overlap: 'skip',
      power: 'none',
      onlyIfWoken: true,
    };
  return {
    cron: schedule.cron,
    timezone: schedule.timezone,
    params: initialValues(template.params, schedule.params),
    wakeMinutes: schedule.wakeMinutesBefore === null ? '' : String(schedule.wakeMinutesBefore),
    graceMinutes: String(schedule.graceMinutes),
    overlap: schedule.overlap,
    power: schedule.after.power,
    onlyIfWoken: schedule.after.onlyIfWoken,
  };
}

/** A whole number of minutes from `min` to `max`, undefined when empty, or the sentence that says what it must be. */
function minutes(text: string, what: string, max: number): number | undefined | string {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : `${what} is a whole number of minutes from 0 to ${max}.`;
}

export function scheduleBodyOf(d: ScheduleDraft, template: TemplateDto): ScheduleBody | string {
  if (!d.cron.trim()) return 'Say when it runs: a cron expression such as 0 22 * * 1-5 (every weekday at 22:00).';
  const wake = minutes(d.wakeMinutes, 'Wake before', 120);
  if (typeof wake === 'string') return wake;
  const grace = minutes(d.graceMinutes, 'Run late by up to', 7 * 24 * 60);
  if (typeof grace === 'string') return grace;
  return {
    templateId: template.templateId,
    cron: d.cron.trim(),
    timezone: d.timezone.trim() || undefined,
    params: valuesOf(template.params, d.params),
    wakeMinutesBefore: wake,
    graceMinutes: grace,
    overlap: d.overlap,
    after: { power: d.power, onlyIfWoken: d.onlyIfWoken },
  };
}
