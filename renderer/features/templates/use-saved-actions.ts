/** What the Saved commands page does without a form (duplicate, pause, resume, delete), one at a time, each ending in a sentence. */
import { useState } from 'react';
import type { ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { useApi } from '../../lib/api-context.tsx';
import { copyOf } from './template-draft.ts';

export interface Notice {
  text: string;
  failed: boolean;
}

export function useSavedActions(reload: () => Promise<void>) {
  const api = useApi();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  /** Runs `what`, shows its sentence (or the coordinator's refusal) and reads the lists again. */
  const act = async (what: () => Promise<string> | string) => {
    setBusy(true);
    try {
      setNotice({ text: await what(), failed: false });
    } catch (e) {
      setNotice({ text: (e as Error).message, failed: true });
    } finally {
      setBusy(false);
      await reload();
    }
  };
  return {
    notice,
    busy,
    /** After a dialog saved: its sentence, and the lists read again. */
    saved: (text: string) => void act(() => text),
    duplicate: (t: TemplateDto) =>
      void act(async () => {
        const { template } = await api.createTemplate(copyOf(t));
        return `Saved a copy: "${template.name}".`;
      }),
    pause: (s: ScheduleDto, paused: boolean) =>
      void act(async () => {
        await api.pauseSchedule(s.scheduleId, paused);
        return paused ? `Paused: it runs nothing until resumed (${s.words}).` : `Resumed: it runs ${s.words} again.`;
      }),
    /** For a confirmation dialog: rejects with the coordinator's sentence (a schedule still runs the command), which the dialog shows. */
    removeTemplate: async (t: TemplateDto) => {
      await api.deleteTemplate(t.templateId);
      await act(() => `Deleted "${t.name}".`);
    },
    removeSchedule: async (s: ScheduleDto, name: string) => {
      await api.deleteSchedule(s.scheduleId);
      await act(() => `Deleted the schedule of "${name}" (${s.words}).`);
    },
  };
}

export type SavedActions = ReturnType<typeof useSavedActions>;
