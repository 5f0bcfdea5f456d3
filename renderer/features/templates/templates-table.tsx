/** The saved commands, newest first: name and commands, mode, where, parameters, schedules; Run, Edit, Schedule, Duplicate, Delete. One tab stop; Enter edits. */
import type { WorkerDto } from '../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import type { ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { firstLine } from '../../lib/format.ts';
import { useCan } from '../../lib/session-context.tsx';
import { useRovingRows } from '../../lib/use-roving-rows.ts';
import { MODE_WORDS, paramWords, targetWords } from './template-words.ts';

export interface TemplateActions {
  run: (template: TemplateDto) => void;
  edit: (templateId: string) => void;
  schedule: (template: TemplateDto) => void;
  duplicate: (template: TemplateDto) => void;
  remove: (template: TemplateDto) => void;
}

interface TableProps {
  templates: TemplateDto[];
  schedules: readonly ScheduleDto[];
  workers: readonly WorkerDto[];
  actions: TemplateActions;
}

export function TemplatesTable({ templates, schedules, workers, actions }: TableProps) {
  const rows = useRovingRows((row) => row.dataset.template && actions.edit(row.dataset.template));
  if (templates.length === 0)
    return <EmptyState title="No saved commands yet">Save one from a job&apos;s or a run&apos;s page (Save as template), or make a new one here.</EmptyState>;
  return (
    <table className="table cards templates-table" data-testid="templates">
      <thead>
        <tr>
          <th>Name</th>
          <th>Mode</th>
          <th>Runs on</th>
          <th>Parameters</th>
          <th>Schedules</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody ref={rows}>
        {templates.map((t) => (
          <TemplateRow
            key={t.templateId}
            template={t}
            scheduled={schedules.filter((s) => s.templateId === t.templateId).length}
            workers={workers}
            actions={actions}
          />
        ))}
      </tbody>
    </table>
  );
}

function TemplateRow({
  template: t,
  scheduled,
  workers,
  actions,
}: {
  template: TemplateDto;
  scheduled: number;
  workers: readonly WorkerDto[];
  actions: TemplateActions;
}) {
  const can = {
    run: useCan('postTemplatesRun'),
    edit: useCan('postTemplatesUpdate'),
    schedule: useCan('postSchedulesCreate'),
    duplicate: useCan('postTemplatesCreate'),
    remove: useCan('postTemplatesDelete'),
  };
  return (
    <tr data-template={t.templateId}>
      <td data-label="Name">
        <div>
          <strong className="template-name">{t.name}</strong>
          <div className="muted small mono ellipsis" title={t.commands}>
            {firstLine(t.commands)}
          </div>
        </div>
      </td>
      <td data-label="Mode">{MODE_WORDS[t.mode]}</td>
      <td data-label="Runs on">{targetWords(t, workers)}</td>
      <td data-label="Parameters" className="small">
        {paramWords(t.params)}
      </td>
      <td data-label="Schedules" data-testid="template-schedules">
        {scheduled}
      </td>
      <td className="row-actions">
        <div className="template-actions">
          {can.run && (
            <button className="primary small" aria-label={`Run ${t.name}`} onClick={() => actions.run(t)}>
              Run
            </button>
          )}
          {can.edit && (
            <button className="secondary small" aria-label={`Edit ${t.name}`} onClick={() => actions.edit(t.templateId)}>
              Edit
            </button>
          )}
          {can.schedule && (
            <button className="secondary small" aria-label={`Schedule ${t.name}`} onClick={() => actions.schedule(t)}>
              Schedule
            </button>
          )}
          {can.duplicate && (
            <button className="secondary small" aria-label={`Duplicate ${t.name}`} onClick={() => actions.duplicate(t)}>
              Duplicate
            </button>
          )}
          {can.remove && (
            <button className="secondary small" aria-label={`Delete ${t.name}`} onClick={() => actions.remove(t)}>
              Delete
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
