/** A cron expression read by the coordinator while it is typed (a pause first): its words and next five times, or the sentence that says what is wrong. */
import { useEffect, useState } from 'react';
import type { SchedulePreview } from '../../lib/api-types.ts';
import { useApi } from '../../lib/api-context.tsx';

export type CronPreview = { state: 'empty' } | { state: 'ok'; preview: SchedulePreview } | { state: 'bad'; message: string };

/** The pause after the last key before the coordinator is asked. */
const DEBOUNCE_MS = 300;

export function useCronPreview(cron: string, timezone: string): CronPreview {
  const api = useApi();
  const [preview, setPreview] = useState<CronPreview>({ state: 'empty' });
  const expression = cron.trim();
  const zone = timezone.trim() || undefined;
  useEffect(() => {
    let current = true;
    const timer = setTimeout(
      () => {
        if (!expression) return setPreview({ state: 'empty' });
        api.previewSchedule(expression, zone).then(
          (answer) => current && setPreview({ state: 'ok', preview: answer }),
          (e: Error) => current && setPreview({ state: 'bad', message: e.message }),
        );
      },
      expression ? DEBOUNCE_MS : 0,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, expression, zone]);
  return preview;
}
