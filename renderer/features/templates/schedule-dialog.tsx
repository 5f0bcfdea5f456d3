/** "Schedule <name>" (or change its schedule): when, in which time zone, with which parameters, and what happens around its nights. */
import { FormFooter } from '../../components/form-footer.tsx';
import { useState, type FormEvent } from 'react';
import { Modal } from '../../components/modal.tsx';
import type { ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { useApi } from '../../lib/api-context.tsx';
import { ParamFields } from './param-fields.tsx';
import { scheduleBodyOf, scheduleDraftOf, type ScheduleDraft } from './schedule-draft.ts';
import { NightFields, WhenFields } from './schedule-fields.tsx';

interface ScheduleDialogProps {
  template: TemplateDto;
  /** null: a new schedule. */
  schedule: ScheduleDto | null;
  now: number;
  onSaved: (message: string) => void;
  onClose: () => void;
}

export function ScheduleDialog({ template, schedule, now, onSaved, onClose }: ScheduleDialogProps) {
  const api = useApi();
  const [draft, setDraft] = useState<ScheduleDraft>(() => scheduleDraftOf(template, schedule));
  const set = (patch: Partial<ScheduleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = scheduleBodyOf(draft, template);
    if (typeof body === 'string') return setError(body);
    setBusy(true);
    setError(null);
    try {
      const saved = schedule ? await api.updateSchedule(schedule.scheduleId, body) : await api.createSchedule(body);
      onSaved(`"${template.name}" runs ${saved.schedule.words} (${saved.schedule.timezone}).`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="schedule-dialog-title" onClose={onClose} className="wide" testId="schedule-dialog">
      <form onSubmit={(e) => void save(e)} className="schedule-form">
        <h2 id="schedule-dialog-title">{schedule ? `Change the schedule of ${template.name}` : `Schedule ${template.name}`}</h2>
        <WhenFields draft={draft} set={set} now={now} />
        {template.params.length > 0 && (
          <fieldset className="schedule-params">
            <legend>Parameters</legend>
            <ParamFields params={template.params} values={draft.params} onChange={(params) => set({ params })} idPrefix="schedule-param" />
          </fieldset>
        )}
        <NightFields draft={draft} set={set} />
        <FormFooter error={error} errorTestId="schedule-error" busy={busy} label="Save" busyLabel="Saving…" onCancel={onClose} />
      </form>
    </Modal>
  );
}
