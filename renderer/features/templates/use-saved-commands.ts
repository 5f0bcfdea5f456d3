/**
 * The saved commands and their schedules, read on opening and again when the live feed reconnects, when
 * jobs are created (a schedule's run), when a schedule's next time has passed, and after each change.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { useApi } from '../../lib/api-context.tsx';
import { useLiveState } from '../../lib/live/live-provider.tsx';

export interface SavedCommands {
  /** null until first read. */
  templates: TemplateDto[] | null;
  schedules: ScheduleDto[] | null;
  /** The sentence of the latest read that failed (the lists keep what was read before). */
  error: string | null;
  reload: () => Promise<void>;
}

/** A schedule's time is recorded just after it passes: read again a little later. */
const AFTER_DUE_MS = 3000;
/** setTimeout's longest delay (about 24 days); a later time is waited for again then. */
const LONGEST_MS = 2 ** 31 - 1;

export function useSavedCommands(): SavedCommands {
  const api = useApi();
  const { epoch, counts } = useLiveState();
  const [state, setState] = useState<Omit<SavedCommands, 'reload'>>({ templates: null, schedules: null, error: null });
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const asked = ++latest.current;
    try {
      const [t, s] = await Promise.all([api.templates(), api.schedules()]);
      if (asked === latest.current) setState({ templates: t.templates, schedules: s.schedules, error: null });
    } catch (e) {
      if (asked === latest.current) setState((prev) => ({ ...prev, error: (e as Error).message }));
    }
  }, [api]);
  useEffect(() => void reload(), [reload, epoch, counts?.all]);

  const due = Math.min(...(state.schedules ?? []).map((s) => s.next[0] ?? Infinity));
  useEffect(() => {
    if (!Number.isFinite(due)) return;
    const wait = Math.max(0, due - Date.now()) + AFTER_DUE_MS;
    const timer = setTimeout(() => void (wait > LONGEST_MS ? undefined : reload()), Math.min(wait, LONGEST_MS));
    return () => clearTimeout(timer);
  }, [due, reload]);
  return { ...state, reload };
}
