/** What the admin can do to a worker from the dashboard, each ending in a sentence; forget and replace read the list again (the feed cannot announce a worker that is gone). */
import { useMemo } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import { useLiveStore } from '../../lib/live/live-provider.tsx';
import { displayName, workerName } from '../../lib/targets.ts';
import { powerSentence, wakeSentence } from './power-words.ts';
import type { WorkerActions } from './worker-dialog.tsx';

const jobs = (n: number) => `${n} ${n === 1 ? 'job' : 'jobs'}`;
/** How long a wake waits for its PCs to come back before it answers (a PC takes a minute or two to boot and start its worker). */
const WAKE_WAIT_SECONDS = 120;

export function useWorkerActions(): WorkerActions {
  const api = useApi();
  const store = useLiveStore();
  return useMemo(() => {
    const nameOf = (workerId: string) => workerName(workerId, store.getSnapshot().workers);
    const reloadWorkers = async () => store.setWorkers((await api.workers()).workers);
    return {
      rename: async (workerId, name) => {
        const { worker } = await api.renameWorker(workerId, name);
        return name ? `Renamed to ${displayName(worker)}.` : `${displayName(worker)} goes by its hostname again.`;
      },
      pause: async (workerId, paused) => {
        const { worker } = await api.pauseWorker(workerId, paused);
        const name = displayName(worker);
        if (!paused) return `${name} takes jobs again.`;
        return worker.status === 'busy' ? `${name} finishes its job, then takes no other until resumed.` : `${name} is paused: it takes no job until resumed.`;
      },
      forget: async (workerId) => {
        const name = nameOf(workerId);
        const { failedJobs } = await api.forgetWorker(workerId);
        await reloadWorkers();
        return `${name} was removed from the lab${failedJobs.length ? `; ${jobs(failedJobs.length)} waiting for it failed` : ''}.`;
      },
      revoke: async (workerId) => (await api.revokeWorker(workerId)).message,
      replace: async (workerId, replaces) => {
        const old = nameOf(replaces);
        const { worker } = await api.replaceWorker(workerId, replaces);
        await reloadWorkers();
        return `${displayName(worker)} replaced ${old}: it has its name, tags and waiting jobs.`;
      },
      setTags: async (workerId, tags) => void (await api.setWorkerTags(workerId, tags)),
      wake: async (workerIds) => {
        const before = store.getSnapshot().workers;
        const wasOnline = new Set(workerIds.filter((id) => before.some((w) => w.workerId === id && w.status !== 'offline')));
        return wakeSentence(await api.wakeWorkers(workerIds, WAKE_WAIT_SECONDS), wasOnline, nameOf);
      },
      power: async (workerIds, action, delaySeconds, force) =>
        powerSentence(await api.powerWorkers({ workerIds, action, delaySeconds, force }), action, delaySeconds, nameOf),
    };
  }, [api, store]);
}
