/**
 * What a coordinator does for the whole campus, beside answering requests: the offline sweep (and job deadlines),
 * the schedule clock, webhook deliveries and retention. Alone (SQLite), a coordinator runs them from its start; on
 * PostgreSQL, the one that holds the duty lock does (duty-lock.ts), so nothing is swept, sent or deleted twice.
 */
import { startRetention } from '../background-duties.ts';
import type { CoordinatorContext } from '../context.ts';

export interface Duties {
  start(): void;
  stop(): void;
  readonly running: boolean;
}

export function campusDuties(context: CoordinatorContext, keepUploadsDays: number): Duties {
  let retention: NodeJS.Timeout | undefined;
  return {
    start() {
      if (retention) return;
      context.scheduler.startSweeping();
      context.schedules.start();
      context.notifier.dispatcher.start();
      retention = startRetention(context, keepUploadsDays);
    },
    stop() {
      if (!retention) return;
      context.scheduler.stopSweeping();
      context.schedules.stop();
      context.notifier.dispatcher.pause();
      clearInterval(retention);
      retention = undefined;
    },
    get running() {
      return retention !== undefined;
    },
  };
}
