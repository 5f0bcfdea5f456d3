/** The Activity page's filters: who, what (an action or its start), about what, since when; applied together. */
import { useState, type FormEvent } from 'react';
import type { AuditFilter } from '../../lib/api-types.ts';

const ACTION_PREFIXES = ['jobs.', 'runs.', 'workers.', 'templates.', 'schedules.', 'users.', 'tokens.', 'session.', 'webhooks.', 'execute'];

const EMPTY = { actor: '', action: '', target: '', since: '' };

/** Only the fields with something in them. */
function filterOf(fields: typeof EMPTY): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of Object.keys(fields) as (keyof typeof EMPTY)[]) if (fields[key].trim()) filter[key] = fields[key].trim();
  return filter;
}

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const [fields, setFields] = useState(EMPTY);
  const set = (name: keyof typeof EMPTY) => (e: { target: { value: string } }) => setFields({ ...fields, [name]: e.target.value });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    onApply(filterOf(fields));
  };
  return (
    <form className="audit-filters" onSubmit={apply} aria-label="Filter the activity">
      <div>
        <label htmlFor="audit-actor">Who</label>
        <input id="audit-actor" type="text" placeholder="maria" value={fields.actor} onChange={set('actor')} />
      </div>
      <div>
        <label htmlFor="audit-action">What</label>
        <input id="audit-action" type="text" list="audit-actions" placeholder="runs." value={fields.action} onChange={set('action')} />
        <datalist id="audit-actions">
          {ACTION_PREFIXES.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <div>
        <label htmlFor="audit-target">About</label>
        <input id="audit-target" type="text" placeholder="job:job-123" value={fields.target} onChange={set('target')} />
      </div>
      <div>
        <label htmlFor="audit-since">Since</label>
        <input id="audit-since" type="date" value={fields.since} onChange={set('since')} />
      </div>
      <div className="actions">
        <button type="submit" className="secondary">
          Show
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setFields(EMPTY);
            onApply({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
