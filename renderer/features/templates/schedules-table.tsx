/** The schedules: which saved command, when (in words and its time zone), the next time, the last run's outcome with its link; Pause or Resume, Change, Delete. One tab stop; Enter changes it. */
import { EmptyState } from '../../components/empty-state.tsx';
import type { ScheduleDto, TemplateDto } from '../../lib/api-types.ts';
import { when } from '../../lib/format.ts';
import { useCan } from '../../lib/session-context.tsx';
import { useRovingRows } from '../../lib/use-roving-rows.ts';

export interface ScheduleActions {
  edit: (schedule: ScheduleDto) => void;
  pause: (schedule: ScheduleDto, paused: boolean) => void;
  remove: (schedule: ScheduleDto) => void;
}

type Outcome = NonNullable<ScheduleDto['lastRun']>['outcome'];
const OUTCOMES: Record<Outcome, { words: string; badge: string }> = {
  ran: { words: 'Ran', badge: 'passed' },
  missed: { words: 'Missed', badge: 'waiting' },
  skipped: { words: 'Skipped', badge: 'cancelled' },
  failed: { words: 'Failed', badge: 'failed' },
};

export function SchedulesTable({
  schedules,
  templates,
  now,
  actions,
}: {
  schedules: ScheduleDto[];
  templates: readonly TemplateDto[];
  now: number;
  actions: ScheduleActions;
}) {
  const rows = useRovingRows((row) => {
    const schedule = schedules.find((s) => s.scheduleId === row.dataset.schedule);
    if (schedule) actions.edit(schedule);
  });
  if (schedules.length === 0) return <EmptyState title="No schedules yet">Schedule a saved command to run it at set times, unattended.</EmptyState>;
  return (
    <table className="table cards schedules-table" data-testid="schedules">
      <thead>
        <tr>
          <th>Saved command</th>
          <th>When</th>
          <th>Next</th>
          <th>Last run</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody ref={rows}>
        {schedules.map((s) => (
          <ScheduleRow
            key={s.scheduleId}
            schedule={s}
            name={templates.find((t) => t.templateId === s.templateId)?.name ?? s.templateId}
            now={now}
            actions={actions}
          />
        ))}
      </tbody>
    </table>
  );
}

function ScheduleRow({ schedule: s, name, now, actions }: { schedule: ScheduleDto; name: string; now: number; actions: ScheduleActions }) {
  const label = `${name}, ${s.words}`;
  const can = { pause: useCan('postSchedulesPause'), edit: useCan('postSchedulesUpdate'), remove: useCan('postSchedulesDelete') };
  return (
    <tr data-schedule={s.scheduleId} data-paused={s.paused}>
      <td data-label="Command">
        <strong>{name}</strong>
      </td>
      <td data-label="When">
        <div>
          <span data-testid="schedule-words">{s.words}</span> <span className="muted small">({s.timezone})</span>
          {s.paused && (
            <>
              {' '}
              <span className="badge badge-paused" data-testid="schedule-paused">
                Paused
              </span>
            </>
          )}
        </div>
      </td>
      <td data-label="Next" data-testid="schedule-next">
        {s.paused ? <span className="muted">—</span> : s.next[0] !== undefined ? when(s.next[0], now) : <span className="muted">none</span>}
      </td>
      <td data-label="Last run" data-testid="schedule-last">
        <LastRun schedule={s} now={now} />
      </td>
      <td className="row-actions">
        <div className="template-actions">
          {can.pause && (
            <button className="secondary small" aria-label={`${s.paused ? 'Resume' : 'Pause'} ${label}`} onClick={() => actions.pause(s, !s.paused)}>
              {s.paused ? 'Resume' : 'Pause'}
            </button>
          )}
          {can.edit && (
            <button className="secondary small" aria-label={`Change ${label}`} onClick={() => actions.edit(s)}>
              Change
            </button>
          )}
          {can.remove && (
            <button className="secondary small" aria-label={`Delete ${label}`} onClick={() => actions.remove(s)}>
              Delete
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

function LastRun({ schedule: s, now }: { schedule: ScheduleDto; now: number }) {
  const last = s.lastRun;
  if (!last) return <span className="muted">not yet</span>;
  const { words, badge } = OUTCOMES[last.outcome];
  const link = last.runId ? `#/runs/${encodeURIComponent(last.runId)}` : last.jobId ? `#/jobs/${encodeURIComponent(last.jobId)}` : null;
  return (
    <div>
      <span className={`badge badge-${badge}`}>{words}</span> <span className="small">{when(last.dueAt, now)}</span>
      {link && (
        <>
          {' '}
          <a href={link} className="small">
            its {last.runId ? 'run' : 'job'}
          </a>
        </>
      )}
      {last.message && <div className="muted small">{last.message}</div>}
    </div>
  );
}
