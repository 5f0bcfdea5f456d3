/** The dashboard's live picture: a snapshot on (re)connect, then coalesced changes from /api/ws. */
import { useEffect, useRef, useState } from 'react';
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import type { LiveServerMessage } from '../../../shared/live.ts';
import type { CoordinatorApi, LiveConnection } from '../../lib/api.ts';

export interface LiveState {
  connected: boolean;
  workers: WorkerDto[];
  /** Jobs the feed told us about, newest first (the first page plus every change since). */
  jobs: Map<string, JobDto>;
  totalJobs: number;
  /** Bumped on every snapshot, so views can refetch what they show. */
  epoch: number;
  /** Server clock minus ours, so "3 s ago" is right even if the clocks differ. */
  skew: number;
}

type OutputListener = (m: Extract<LiveServerMessage, { type: 'output' | 'job-output' }>) => void;

export function useLive(api: CoordinatorApi) {
  const [state, setState] = useState<LiveState>({ connected: false, workers: [], jobs: new Map(), totalJobs: 0, epoch: 0, skew: 0 });
  const connection = useRef<LiveConnection | null>(null);
  const outputListeners = useRef(new Set<OutputListener>());

  useEffect(() => {
    const conn = api.live({
      onStatus: (connected) => setState((s) => ({ ...s, connected })),
      onMessage: (m) => {
        if (m.type === 'output' || m.type === 'job-output') {
          for (const listener of outputListeners.current) listener(m);
          return;
        }
        setState((s) => {
          const skew = m.serverTime - Date.now();
          if (m.type === 'snapshot') {
            return { ...s, skew, workers: m.workers, jobs: new Map(m.jobs.map((j) => [j.jobId, j])), totalJobs: m.totalJobs, epoch: s.epoch + 1 };
          }
          const workers = [...s.workers];
          for (const w of m.workers) {
            const i = workers.findIndex((x) => x.workerId === w.workerId);
            if (i >= 0) workers[i] = w;
            else workers.push(w);
          }
          const jobs = new Map(s.jobs);
          let added = 0;
          for (const j of m.jobs) {
            if (!jobs.has(j.jobId)) added++;
            jobs.set(j.jobId, j);
          }
          return { ...s, skew, workers, jobs: new Map([...jobs].sort((a, b) => b[1].createdAt - a[1].createdAt)), totalJobs: s.totalJobs + added };
        });
      },
    });
    connection.current = conn;
    return () => conn.close();
  }, [api]);

  return {
    state,
    subscribe(jobId: string, listener: OutputListener): () => void {
      outputListeners.current.add(listener);
      connection.current?.subscribe(jobId);
      return () => {
        outputListeners.current.delete(listener);
        connection.current?.unsubscribe(jobId);
      };
    },
  };
}

/** A clock that ticks every second, for "3 s ago" and running durations. */
export function useNow(skew = 0): number {
  const [now, setNow] = useState(Date.now() + skew);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() + skew), 1000);
    return () => clearInterval(t);
  }, [skew]);
  return now;
}
