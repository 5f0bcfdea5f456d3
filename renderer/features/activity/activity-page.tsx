/** Activity (`#/activity`, an admin's page): the audit log, newest first: filters, Load older, Download CSV of what the filters match. */
import { useState } from 'react';
import { Icon } from '../../components/icons.tsx';
import { useApi } from '../../lib/api-context.tsx';
import type { AuditFilter } from '../../lib/api-types.ts';
import { saveBlob } from '../../lib/save-file.ts';
import { AuditFilters } from './audit-filters.tsx';
import { AuditTable } from './audit-table.tsx';
import { useAudit } from './use-audit.ts';
import './activity.css';

export function ActivityPage({ now }: { now: number }) {
  const api = useApi();
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAudit(filter);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = async () => {
    setDownloadError(null);
    try {
      const file = await api.auditCsv(filter);
      saveBlob(file.blob, file.fileName);
    } catch (e) {
      setDownloadError((e as Error).message);
    }
  };
  const error = audit.error ?? downloadError;
  return (
    <main className="page activity-page">
      <a href="#/" className="back">
        <Icon name="back" /> Workers and jobs
      </a>
      <header className="job-head">
        <h1>Activity</h1>
        <button className="secondary" onClick={() => void download()}>
          Download CSV
        </button>
      </header>
      <p className="muted">
        Who did what, when and from where, newest first; refused attempts too. Each row is chained to the one before it, so an edit shows.
      </p>
      <AuditFilters onApply={setFilter} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <section className="card" aria-label="The audit log">
        {audit.entries ? <AuditTable entries={audit.entries} now={now} /> : <p className="muted">Loading…</p>}
        {audit.nextBefore !== null && (
          <button className="secondary load-more" disabled={audit.loading} onClick={audit.loadOlder}>
            {audit.loading ? 'Loading…' : 'Load older'}
          </button>
        )}
      </section>
    </main>
  );
}
