/** The audit log as the Activity page reads it: the newest page for the filter, then older pages on request (nextBefore). */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import type { AuditEntryDto, AuditFilter } from '../../lib/api-types.ts';

export interface AuditList {
  entries: AuditEntryDto[] | null;
  /** Where the next older page starts; null: none left. */
  nextBefore: number | null;
  loading: boolean;
  error: string | null;
  loadOlder: () => void;
  reload: () => void;
}

export function useAudit(filter: AuditFilter): AuditList {
  const api = useApi();
  const [state, setState] = useState<Omit<AuditList, 'loadOlder' | 'reload'>>({ entries: null, nextBefore: null, loading: true, error: null });
  // A page asked for an older filter is dropped when it comes back.
  const asked = useRef(0);
  const load = useCallback(
    async (before: number | null) => {
      const ask = ++asked.current;
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const page = await api.audit(filter, before);
        if (ask !== asked.current) return;
        setState((s) => ({
          entries: before === null ? page.entries : [...(s.entries ?? []), ...page.entries],
          nextBefore: page.nextBefore,
          loading: false,
          error: null,
        }));
      } catch (e) {
        if (ask === asked.current) setState((s) => ({ ...s, loading: false, error: (e as Error).message }));
      }
    },
    [api, filter],
  );
  useEffect(() => void load(null), [load]);
  const { nextBefore } = state;
  return {
    ...state,
    loadOlder: () => nextBefore !== null && void load(nextBefore),
    reload: () => void load(null),
  };
}
