/** What a coordinator does on its own, beside answering requests: hourly retention, and the schedule clock's hooks (wake, power, missed). */
import type { Logger } from '../logger.ts';
import type { CoordinatorContext } from './context.ts';
import type { Store } from './state/store.ts';
import { ScheduleClock } from './templates/schedule-clock.ts';
import { removeOldUploads } from './files/retention.ts';
import { getJobSummary } from './jobs/job-queries.ts';
import { notifyScheduleMissed, type Notifier } from './notify/notifier.ts';
import { wakeWorkers } from './workers/wake.ts';
import { requestPower } from './workers/power.ts';
import { recordByCoordinator } from './audit/audit-log.ts';
import { pruneAudit } from './audit/audit-retention.ts';

export /** Old zips and result files go after `keepDays`, checked now and every hour (a job still pending or running keeps its files). */
function startRetention(context: CoordinatorContext, keepDays: number): NodeJS.Timeout {
  const { logger, uploadIndex, uploadsDir, store } = context;
  const cleanUp = () => {
    try {
      removeOldUploads(uploadIndex, uploadsDir, keepDays, Date.now(), logger);
      const removed = context.artifacts.removeOlderThan(Date.now() - keepDays * 24 * 3600_000, (jobId) => {
        const status = getJobSummary(store, jobId)?.status;
        return status === 'pending' || status === 'running';
      });
      if (removed) logger.info('removed old artifacts', { count: removed, keepDays });
      const pruned = pruneAudit(store, context.settings.auditRetentionDays);
      if (pruned) logger.info('pruned old audit rows; the chain is checked from the checkpoint they left', { count: pruned });
      store.db.transaction(() => store.users.deleteExpiredSessions(store.now(), context.settings.sessions.idleMs));
    } catch (error) {
      logger.warn('could not remove old uploads', { error: (error as Error).message });
    }
  };
  cleanUp();
  const timer = setInterval(cleanUp, 3600_000);
  timer.unref();
  return timer;
}

export /** The clock that runs saved commands on their schedules: it wakes their PCs, powers them off after, and says what it missed in the log and to webhooks. */
function scheduleClock(store: Store, logger: Logger, notifier: Notifier, context: () => CoordinatorContext): ScheduleClock {
  return new ScheduleClock(store, {
    missed: (schedule, dueAt) => {
      logger.warn('a schedule was missed', { scheduleId: schedule.scheduleId, dueAt: new Date(dueAt).toISOString() });
      notifyScheduleMissed(notifier, {
        scheduleId: schedule.scheduleId,
        template: store.templates.get(schedule.templateId)?.body.name ?? schedule.templateId,
        dueAt,
      });
    },
    wake: (workerIds) => {
      recordByCoordinator(
        store,
        'schedule',
        'workers.wake',
        workerIds.map((id) => `worker:${id}`),
      );
      void wakeWorkers(context(), workerIds).catch((error: Error) => logger.warn('could not wake the PCs of a schedule', { error: error.message }));
    },
    // A minute's notice for anyone still at a PC; a PC in use is skipped, never forced.
    power: (workerIds, action) => {
      const workers = workerIds.flatMap((id) => store.workers.get(id) ?? []);
      recordByCoordinator(
        store,
        'schedule',
        'workers.power',
        workerIds.map((id) => `worker:${id}`),
        'ok',
        action,
      );
      requestPower(context(), workers, { action, delaySeconds: 60 });
    },
  });
}
