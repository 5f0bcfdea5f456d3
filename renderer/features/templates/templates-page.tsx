/**
 * Saved commands (`#/templates`): the commands kept to run again with parameters, and their schedules.
 * `#/templates?edit=<id>` opens one for editing (where Save as template lands), `?edit=new` a new one.
 */
import { useState } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { Icon } from '../../components/icons.tsx';
import type { ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { useLiveState } from '../../lib/live/live-provider.tsx';
import { navigate } from '../../lib/navigate.ts';
import { useCan } from '../../lib/session-context.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { RunTemplate } from './run-template.tsx';
import { ScheduleDialog } from './schedule-dialog.tsx';
import { SchedulesTable } from './schedules-table.tsx';
import { TemplateEditor } from './template-editor.tsx';
import { TemplatesTable } from './templates-table.tsx';
import { useSavedActions, type SavedActions } from './use-saved-actions.ts';
import { useSavedCommands } from './use-saved-commands.ts';
import './templates.css';

type Dialog =
  | { kind: 'run'; template: TemplateDto }
  | { kind: 'delete'; template: TemplateDto }
  | { kind: 'schedule'; template: TemplateDto; schedule: ScheduleDto | null }
  | { kind: 'unschedule'; schedule: ScheduleDto; name: string };

const editHref = (id: string) => `#/templates?edit=${encodeURIComponent(id)}`;

export function TemplatesPage({ editId, now }: { editId: string | null; now: number }) {
  const { workers } = useLiveState();
  const saved = useSavedCommands();
  const actions = useSavedActions(saved.reload);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [creates, edits, editsSchedules] = [useCan('postTemplatesCreate'), useCan('postTemplatesUpdate'), useCan('postSchedulesUpdate')];
  const templates = saved.templates ?? [];
  const schedules = saved.schedules ?? [];
  const nameOf = (templateId: string) => templates.find((t) => t.templateId === templateId)?.name ?? templateId;
  const templateActions = {
    run: (template: TemplateDto) => setDialog({ kind: 'run', template }),
    // Enter on a row edits, for a role that may.
    edit: (templateId: string) => edits && navigate(editHref(templateId)),
    schedule: (template: TemplateDto) => setDialog({ kind: 'schedule', template, schedule: null }),
    duplicate: actions.duplicate,
    remove: (template: TemplateDto) => setDialog({ kind: 'delete', template }),
  };
  const scheduleActions = {
    edit: (schedule: ScheduleDto) => {
      if (!editsSchedules) return;
      const template = templates.find((t) => t.templateId === schedule.templateId);
      if (template) setDialog({ kind: 'schedule', template, schedule });
    },
    pause: actions.pause,
    remove: (schedule: ScheduleDto) => setDialog({ kind: 'unschedule', schedule, name: nameOf(schedule.templateId) }),
  };
  const { notice } = actions;

  return (
    <main className="page templates-page">
      <a href="#/" className="back">
        <Icon name="back" /> Workers and jobs
      </a>
      <header className="job-head">
        <h1>Saved commands</h1>
        {creates && (
          <button className="primary" onClick={() => navigate(editHref('new'))}>
            <Icon name="plus" /> New saved command
          </button>
        )}
      </header>
      <p className="muted">Commands kept with their target, zips and typed parameters: run them again in a few clicks, or on a schedule at night.</p>
      {saved.error && (
        <p className="error" role="alert">
          {saved.error}
        </p>
      )}
      {notice && (
        <p className={notice.failed ? 'error' : 'notice'} role={notice.failed ? 'alert' : 'status'} data-testid="templates-notice">
          {notice.text}
        </p>
      )}
      <section className="card" aria-labelledby="templates-title">
        <h2 id="templates-title">
          Commands <span className="count">{templates.length}</span>
        </h2>
        {saved.templates ? (
          <TemplatesTable templates={templates} schedules={schedules} workers={workers} actions={templateActions} />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
      <section className="card" aria-labelledby="schedules-title">
        <h2 id="schedules-title">
          Schedules <span className="count">{schedules.length}</span>
        </h2>
        {saved.schedules ? (
          <SchedulesTable schedules={schedules} templates={templates} now={now} actions={scheduleActions} />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
      {edits && <Editor editId={editId} templates={saved.templates} workers={workers} actions={actions} />}
      {dialog && <PageDialog dialog={dialog} workers={workers} now={now} actions={actions} onClose={() => setDialog(null)} />}
    </main>
  );
}

/** The edit dialog the URL names, once the saved commands are read (`new`: a new one). */
function Editor({
  editId,
  templates,
  workers,
  actions,
}: {
  editId: string | null;
  templates: TemplateDto[] | null;
  workers: readonly WorkerDto[];
  actions: SavedActions;
}) {
  if (editId === null || templates === null) return null;
  const template = editId === 'new' ? null : templates.find((t) => t.templateId === editId);
  if (template === undefined)
    return (
      <p className="error" role="alert" data-testid="template-not-found">
        There is no saved command <span className="mono">{editId}</span> to edit: it may have been deleted.
      </p>
    );
  const close = () => navigate('#/templates');
  return (
    <TemplateEditor
      key={editId}
      template={template}
      workers={workers}
      onClose={close}
      onSaved={(message) => {
        close();
        actions.saved(message);
      }}
    />
  );
}

function PageDialog({
  dialog,
  workers,
  now,
  actions,
  onClose,
}: {
  dialog: Dialog;
  workers: readonly WorkerDto[];
  now: number;
  actions: SavedActions;
  onClose: () => void;
}) {
  switch (dialog.kind) {
    case 'run':
      return <RunTemplate template={dialog.template} workers={workers} onClose={onClose} />;
    case 'schedule':
      return (
        <ScheduleDialog
          template={dialog.template}
          schedule={dialog.schedule}
          now={now}
          onClose={onClose}
          onSaved={(message) => {
            onClose();
            actions.saved(message);
          }}
        />
      );
    case 'delete':
      return (
        <ConfirmDialog title={`Delete "${dialog.template.name}"?`} confirm="Delete" onConfirm={() => actions.removeTemplate(dialog.template)} onClose={onClose}>
          It is gone for good; the jobs and runs it made stay. Its zips are kept as long as the coordinator keeps uploads.
        </ConfirmDialog>
      );
    case 'unschedule':
      return (
        <ConfirmDialog
          title={`Delete the schedule of "${dialog.name}"?`}
          confirm="Delete"
          onConfirm={() => actions.removeSchedule(dialog.schedule, dialog.name)}
          onClose={onClose}
        >
          It runs {dialog.schedule.words}; deleted, it runs no more. The saved command stays.
        </ConfirmDialog>
      );
  }
}
