/**
 * The jobs list's data under one filter: the live feed's jobs (so a job that starts or ends shows
 * under its filter at once) merged with pages read from the API, and whether older jobs exist.
 */
import { useCallback, useEffect, useState } from 'react';
import type { JobDto } from '../../../shared/api.ts';
import { outcomeOf, type JobOutcome } from '../../../shared/job-status.ts';
import { useApi } from '../../lib/api-context.tsx';

export type JobFilter = 'all' | JobOutcome;

export const JOB_FILTERS: readonly { key: JobFilter; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'active', label: 'Active' },
  { key: 'passed', label: 'Passed' },
  { key: 'failed', label: 'Failed' },
  { key: 'cancelled', label: 'Cancelled' },
];

/** Pages read from the API for one filter and one feed snapshot; `cursor`: where the next page starts (null: none left). */
interface Paged {
  key: string;
  jobs: JobDto[];
  cursor: string | null;
}

export interface JobList {
  jobs: JobDto[];
  /** Whether older jobs exist under this filter. */
  more: boolean;
  loadMore: () => Promise<void>;
  loading: boolean;
  error: string | null;
}

export function matches(job: JobDto, filter: JobFilter): boolean {
  return filter === 'all' || outcomeOf(job) === filter;
}

/**
 * `olderThan`: where jobs older than the feed's first page start (null when it had them all). Under a
 * filter the first page comes from the API; live jobs older than the last page read are left out
 * until their page is read, so the list has no holes.
 */
export function useJobList(filter: JobFilter, live: Map<string, JobDto>, olderThan: string | null, epoch: number): JobList {
  const api = useApi();
  const [paged, setPaged] = useState<Paged | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = `${filter}|${epoch}`;
  const current = paged?.key === key ? paged : null;

  useEffect(() => {
    if (filter === 'all') return;
    let stale = false;
    api.jobs({ outcome: filter }, null).then(
      (page) => {
        if (stale) return;
        setPaged({ key, jobs: page.jobs, cursor: page.nextBefore });
        setError(null);
      },
      (e: Error) => !stale && setError(e.message),
    );
    return () => {
      stale = true;
    };
  }, [api, filter, key]);

  const cursor = current ? current.cursor : filter === 'all' ? olderThan : null;
  const loadMore = useCallback(async () => {
    if (cursor === null) return;
    try {
      const page = await api.jobs(filter === 'all' ? {} : { outcome: filter }, cursor);
      setPaged({ key, jobs: [...(current?.jobs ?? []), ...page.jobs], cursor: page.nextBefore });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [api, filter, key, cursor, current]);

  const read = current?.jobs ?? [];
  // Under a filter, a live job older than the pages read would show above a gap: wait for its page.
  const oldest = filter !== 'all' && cursor !== null ? read.at(-1)?.createdAt : undefined;
  const merged = new Map<string, JobDto>();
  for (const [id, job] of live) if (matches(job, filter) && (oldest === undefined || job.createdAt >= oldest)) merged.set(id, job);
  for (const job of read) {
    const latest = live.get(job.jobId) ?? job;
    if (matches(latest, filter)) merged.set(job.jobId, latest);
  }
  return { jobs: [...merged.values()], more: cursor !== null, loadMore, loading: filter !== 'all' && !current, error };
}

/** Every pending job when the page knows fewer than the counts say (a long queue): read from the API, oldest last. */
export function usePendingQueue(needed: boolean, epoch: number): JobDto[] {
  const api = useApi();
  const [queue, setQueue] = useState<{ epoch: number; jobs: JobDto[] } | null>(null);
  useEffect(() => {
    if (!needed) return;
    let stale = false;
    void (async () => {
      const jobs: JobDto[] = [];
      let before: string | null = null;
      // 20 pages of 500: a queue longer than 10,000 shows its newest part.
      for (let i = 0; i < 20; i++) {
        const page = await api.jobs({ status: 'pending' }, before, 500);
        jobs.push(...page.jobs);
        before = page.nextBefore;
        if (before === null || stale) break;
      }
      if (!stale) setQueue({ epoch, jobs });
    })().catch(() => {});
    return () => {
      stale = true;
    };
  }, [api, needed, epoch]);
  return queue?.epoch === epoch ? queue.jobs : [];
}
