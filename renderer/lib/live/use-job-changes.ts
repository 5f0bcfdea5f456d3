/** Refetching what a view derives from jobs (a run's status, the runs list) when the live feed says they changed. */
import { useEffect } from 'react';
import type { JobDto } from '../../../shared/api.ts';
import { throttle } from '../throttle.ts';
import { useLiveStore } from './live-provider.tsx';

/**
 * Calls `reload` now, and again when a job `concerns` changes (at most once per `ms`), the feed
 * reconnects, or `key` changes (e.g. which workers are offline, which the jobs' summaries count).
 * Both functions must keep their identity (useCallback), else this subscribes again.
 */
export function useJobChanges(concerns: (job: JobDto) => boolean, reload: () => void, ms: number, key = ''): void {
  const store = useLiveStore();
  useEffect(() => {
    const throttled = throttle(reload, ms);
    throttled.call();
    const off = store.subscribeJobChanges((jobs, snapshot) => {
      if (snapshot || jobs.some(concerns)) throttled.call();
    });
    return () => {
      off();
      throttled.cancel();
    };
    // `key` is not read: a new one only has to start over, which reloads.
  }, [store, concerns, reload, ms, key]);
}
