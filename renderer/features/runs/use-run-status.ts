/** A run's status from the API, read again (at most 4 times a second) while the live feed reports changes to its jobs or its re-runs' jobs. */
import { useCallback, useRef, useState } from 'react';
import type { JobDto, RunJobRow, RunStatusDto } from '../../../shared/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { useJobChanges } from '../../lib/live/use-job-changes.ts';

const REFRESH_MS = 250;

/** Equal values, and equal small objects (a row's test counts) read again from the API. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** Keeps the previous row object where nothing changed, so memoized tiles skip their render. */
export function keepUnchanged(previous: readonly RunJobRow[] | undefined, next: RunJobRow[]): RunJobRow[] {
  if (!previous) return next;
  const before = new Map(previous.map((row) => [row.jobId, row]));
  return next.map((row) => {
    const old = before.get(row.jobId);
    if (!old) return row;
    for (const key of Object.keys(row) as (keyof RunJobRow)[]) if (!sameValue(old[key], row[key])) return row;
    return old;
  });
}

/** `offline`: which workers are offline (offlineKey), so "waiting for offline PCs" is read again when it changes. */
export function useRunStatus(runId: string, offline: string): { status: RunStatusDto | null; error: Error | null; reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<{ runId: string; status: RunStatusDto | null; error: Error | null } | null>(null);
  // Answers can arrive out of order: only the latest request's is shown.
  const latest = useRef(0);

  const reload = useCallback(() => {
    const request = ++latest.current;
    api.run(runId).then(
      (status) => {
        if (request !== latest.current) return;
        setState((prev) => ({
          runId,
          status: { ...status, jobs: keepUnchanged(prev?.runId === runId ? prev.status?.jobs : undefined, status.jobs) },
          error: null,
        }));
      },
      (e: Error) => request === latest.current && setState((prev) => ({ runId, status: prev?.runId === runId ? prev.status : null, error: e })),
    );
  }, [api, runId]);

  const current = state?.runId === runId ? state : null;
  // Its re-runs' jobs too: the page shows each PC's or zip's latest attempt.
  const reruns = current?.status?.reruns.join(' ') ?? '';
  const concerns = useCallback((job: JobDto) => job.runId === runId || (!!job.runId && reruns.split(' ').includes(job.runId)), [runId, reruns]);
  useJobChanges(concerns, reload, REFRESH_MS, offline);

  return { status: current?.status ?? null, error: current?.error ?? null, reload };
}
