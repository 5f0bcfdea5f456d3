/** The audit rows: when, who (role, how signed in), what, about what (linked), from where, and whether it was refused (in words and an icon). One tab stop. */
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import type { AuditEntryDto } from '../../lib/api-types.ts';
import { actionWords, reasonWords, stamp } from '../../lib/audit-words.ts';
import { useRovingRows } from '../../lib/use-roving-rows.ts';

const PAGES: Record<string, string> = { job: '#/jobs/', run: '#/runs/' };

/** `job:ID` as a link to its page; other targets as text. */
function Target({ target }: { target: string }) {
  const [kind, ...rest] = target.split(':');
  const id = rest.join(':');
  const page = PAGES[kind!];
  return page ? <a href={`${page}${encodeURIComponent(id)}`}>{target}</a> : <span>{target}</span>;
}

export function AuditTable({ entries, now }: { entries: AuditEntryDto[]; now: number }) {
  const rows = useRovingRows((row) => row.querySelector('a')?.click());
  if (entries.length === 0) return <EmptyState title="Nothing recorded">No change matches these filters.</EmptyState>;
  return (
    <table className="table cards audit-table" data-testid="audit">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>What</th>
          <th>About</th>
          <th>From</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody ref={rows}>
        {entries.map((e) => (
          <AuditRow key={e.seq} entry={e} now={now} />
        ))}
      </tbody>
    </table>
  );
}

function AuditRow({ entry: e, now }: { entry: AuditEntryDto; now: number }) {
  const refused = e.outcome === 'refused';
  return (
    <tr data-seq={e.seq} data-outcome={e.outcome} className={refused ? 'audit-refused' : undefined}>
      <td data-label="When" title={new Date(e.at).toLocaleString()}>
        {stamp(e.at, now)}
      </td>
      <td data-label="Who">
        <strong>{e.actor}</strong>
        {(e.role || e.via) && <div className="muted small">{[e.role, e.via].filter(Boolean).join(' · ')}</div>}
      </td>
      <td data-label="What">
        {actionWords(e.action)}
        <div className="muted small mono">{e.action}</div>
        {e.detail && <div className="small">{e.detail}</div>}
      </td>
      <td data-label="About" className="audit-targets">
        {e.targets.slice(0, 5).map((t) => (
          <Target key={t} target={t} />
        ))}
        {e.targets.length > 5 && <span className="muted small">and {e.targets.length - 5} more</span>}
      </td>
      <td data-label="From" className="mono small">
        {e.address?.replace(/^::ffff:/, '') ?? '—'}
      </td>
      <td data-label="Outcome" data-testid="audit-outcome">
        {refused ? (
          <span className="audit-refusal">
            <Icon name="ban" /> Refused: {reasonWords(e.reason)}
          </span>
        ) : (
          'Done'
        )}
      </td>
    </tr>
  );
}
