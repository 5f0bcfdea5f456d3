/**
 * Turns what the store announced into notifications: a run whose last job ended (run.finished), a job
 * outside any run that ended failing (job.failed: a run's failures are counted in its run.finished), a
 * worker marked offline (worker.offline), and whatever other code reports through notify() (the
 * schedules' schedule.missed). Each goes to the desktop app's listeners (onNotification) and becomes a
 * delivery row per webhook that asked for it. The hook on the store only notes ids; the rest runs in a
 * later turn of the event loop, never on the path of the request that caused it.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { WEBHOOK_LIMITS, type WebhookEvent } from '../../../../shared/webhooks.ts';
import type { Logger } from '../../logger.ts';
import type { CoordinatorEvents } from '../live/events.ts';
import type { Store } from '../state/store.ts';
import { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { endedFailing, iso, jobFailed, runFinished, workerOffline, type Notice, type NotifySummaries } from './summaries.ts';

/** Who sends: this PC's name and the dashboard's address (the base of every link). */
export interface CoordinatorIdentity {
  name: string;
  url: string;
}

export class Notifier {
  readonly #store: Store;
  readonly #logger: Logger;
  /** Sends the queued deliveries (kick() after the clock moved, in tests). */
  readonly dispatcher: Dispatcher;
  readonly #identity: CoordinatorIdentity;
  readonly #listeners = new EventEmitter<{ notification: [Notice] }>();
  readonly #detach: () => void;
  #endedJobs = new Set<string>();
  #offlineWorkers = new Set<string>();
  #flushQueued = false;
  #closed = false;

  /** Listens to the store's announcements at once; deliveries start with start(). */
  constructor(options: { store: Store; events: CoordinatorEvents; logger: Logger; dispatch?: DispatcherOptions; name?: string }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.dispatcher = new Dispatcher(options.store, options.logger, options.dispatch);
    this.#identity = { name: options.name ?? hostname(), url: '' };
    this.#detach = this.#attach(options.events);
  }

  /** Sends deliveries from now on (those a previous run left waiting first); `dashboardUrl` is the base of every link. */
  start(dashboardUrl: string): void {
    this.#identity.url = dashboardUrl;
  }

  /** No more notifications; waits for the attempts on the way to be abandoned (they stay pending for the next start). */
  async stop(): Promise<void> {
    this.#closed = true;
    this.#detach();
    await this.dispatcher.stop();
  }

  /** The dashboard's address: the base of every link in a notification. */
  get dashboardUrl(): string {
    return this.#identity.url;
  }

  /** Calls `listener` with every notification (the desktop app shows them); returns the unsubscribe. */
  onNotification(listener: (notice: Notice) => void): () => void {
    this.#listeners.on('notification', listener);
    return () => void this.#listeners.off('notification', listener);
  }

  #attach(events: CoordinatorEvents): () => void {
    const onJobs = (ids: string[]) => this.#note(this.#endedJobs, ids);
    const onWorkers = (ids: string[]) => this.#note(this.#offlineWorkers, ids);
    events.on('jobs-ended', onJobs);
    events.on('workers-offline', onWorkers);
    return () => {
      events.off('jobs-ended', onJobs);
      events.off('workers-offline', onWorkers);
    };
  }

  /**
   * Tells the desktop and queues a delivery for each enabled webhook that asked for `event` (never waits
   * for one). Call it after the change it reports committed, outside any transaction (it writes its own).
   */
  notify<E extends WebhookEvent>(event: E, summary: NotifySummaries[E]): void {
    if (this.#closed) return;
    const at = this.#store.now();
    try {
      this.#listeners.emit('notification', { event, at, summary } as Notice);
    } catch (error) {
      this.#logger.warn('a notification listener failed', { event, error: (error as Error).message });
    }
    const hooks = this.#store.webhooks.subscribedTo(event);
    if (hooks.length === 0) return;
    const coordinator = this.#identity;
    this.#store.db.transaction(() => {
      for (const hook of hooks) {
        if (this.#store.deliveries.pendingCount(hook.webhookId) >= WEBHOOK_LIMITS.maxPendingPerWebhook) {
          this.#store.webhooks.noteDropped(hook.webhookId);
          this.#logger.warn('webhook event dropped: too many deliveries are waiting', { webhookId: hook.webhookId, event });
          continue;
        }
        const deliveryId = randomUUID();
        const body = JSON.stringify({ id: deliveryId, event, at: iso(at), coordinator, summary });
        this.#store.deliveries.enqueue({ deliveryId, webhookId: hook.webhookId, event, body }, at);
      }
    });
    this.dispatcher.kick();
  }

  /** Anyone listening: a desktop listener or an enabled webhook. Nothing is read from the store otherwise. */
  #wanted(): boolean {
    return this.#listeners.listenerCount('notification') > 0 || this.#store.webhooks.all().some((hook) => hook.disabledAt === null);
  }

  #note(into: Set<string>, ids: string[]): void {
    if (this.#closed || !this.#wanted()) return;
    for (const id of ids) into.add(id);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    const jobs = this.#endedJobs;
    const workers = this.#offlineWorkers;
    this.#endedJobs = new Set();
    this.#offlineWorkers = new Set();
    if (this.#closed) return;
    try {
      this.#jobsEnded(jobs);
      const base = this.#identity.url;
      for (const workerId of workers) {
        const summary = workerOffline(this.#store, workerId, base);
        if (summary) this.notify('worker.offline', summary);
      }
    } catch (error) {
      this.#logger.error('could not build notifications', { error: (error as Error).message });
    }
  }

  /** Runs with no job left pending or running are finished (once, however many of their jobs ended together). */
  #jobsEnded(jobIds: Set<string>): void {
    const base = this.#identity.url;
    const runs = new Set<string>();
    for (const jobId of jobIds) {
      const job = this.#store.jobs.get(jobId);
      if (!job) continue;
      if (job.runId) runs.add(job.runId);
      else if (endedFailing(job)) this.notify('job.failed', jobFailed(this.#store, job, base));
    }
    for (const runId of runs) {
      const summary = runFinished(this.#store, runId, base);
      if (summary) this.notify('run.finished', summary);
    }
  }
}

/** For the schedules: a scheduled run that did not start when it was due. */
export function notifyScheduleMissed(notifier: Notifier, schedule: { scheduleId: string; template: string; dueAt: number }): void {
  const { scheduleId, template, dueAt } = schedule;
  notifier.notify('schedule.missed', { scheduleId, template, dueAt: iso(dueAt) ?? '', url: `${notifier.dashboardUrl}/#/` });
}
