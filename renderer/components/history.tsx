/** A job's, run's or worker's own history from the audit log, oldest first: "Run by maria, 14:02, from 10.0.3.17". Nothing when empty or refused. */
import { useEffect, useId, useState } from 'react';
import { useApi } from '../lib/api-context.tsx';
import type { AuditEntryDto } from '../lib/api-types.ts';
import { historyLine } from '../lib/audit-words.ts';
import { Icon } from './icons.tsx';
import './history.css';

/** `target`: `job:ID`, `run:ID` or `worker:ID`; `version`: read again when it changes (the thing's state). */
function useHistory(target: string, version: string): AuditEntryDto[] | null {
  const api = useApi();
  const [entries, setEntries] = useState<AuditEntryDto[] | null>(null);
  useEffect(() => {
    let current = true;
    // Refused (out of scope) or failed: the section stays away; the page says what matters.
    api.history(target).then(
      (answer) => current && setEntries([...answer.entries].reverse()),
      () => current && setEntries(null),
    );
    return () => {
      current = false;
    };
  }, [api, target, version]);
  return entries;
}

export function History({ target, version = '', now }: { target: string; version?: string; now: number }) {
  const entries = useHistory(target, version);
  const id = useId();
  if (!entries?.length) return null;
  return (
    <section className="history" aria-labelledby={id} data-testid="history">
      <h2 className="section" id={id}>
        History
      </h2>
      <ul>
        {entries.map((e) => (
          <li key={e.seq} className={e.outcome === 'refused' ? 'history-refused' : undefined}>
            {e.outcome === 'refused' && <Icon name="ban" />} {historyLine(e, now)}
          </li>
        ))}
      </ul>
    </section>
  );
}
