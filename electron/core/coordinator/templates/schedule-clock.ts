/**
 * The clock that runs schedules: on each tick, every due time since the last one is claimed (one row
 * per schedule and time, so never twice, across restarts and coordinators) and either run, when it is
 * the newest and less than the grace period late, or recorded as missed. It also wakes a schedule's
 * PCs before its time and powers them off after its run, through the hooks it is given.
 */
import { matchesTarget, normalizeTarget } from '../jobs/targeting.ts';
import type { ScheduleRecord } from '../state/repositories/schedules.ts';
import type { Store } from '../state/store.ts';
import { dueTimes, nextTimes } from './schedules.ts';
import { runTemplate } from './templates.ts';
import { recordByCoordinator } from '../audit/audit-log.ts';

export interface ScheduleHooks {
  /** Wake these offline workers (wake-on-LAN). */
  wake?: (workerIds: string[]) => void;
  /** Power these workers off or restart them. */
  power?: (workerIds: string[], action: 'shutdown' | 'reboot') => void;
  /** A due time passed unrun (the coordinator was down longer than the grace period). */
  missed?: (schedule: ScheduleRecord, dueAt: number) => void;
}

/** The longest the clock sleeps between ticks, so a changed schedule or a moved clock is noticed soon. */
const MAX_SLEEP_MS = 30_000;

export class ScheduleClock {
  readonly #store: Store;
  readonly #hooks: ScheduleHooks;
  /** Due times whose PCs were woken, and whose after-run power action was sent (in memory: a restart may wake twice, never power twice in a row). */
  readonly #woken = new Set<string>();
  readonly #powered = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(store: Store, hooks: ScheduleHooks = {}) {
    this.#store = store;
    this.#hooks = hooks;
  }

  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** A schedule changed: look again now. */
  poke(): void {
    if (!this.#stopped) this.#arm(0);
  }

  /** One pass over every schedule at the store's time; tests call it after moving a fake clock. */
  tick(): void {
    const now = this.#store.now();
    for (const schedule of this.#store.schedules.all()) {
      if (!schedule.paused) {
        this.#due(schedule, now);
        this.#wakeAhead(schedule, now);
        this.#powerAfter(schedule);
      }
      this.#store.db.transaction(() => this.#store.schedules.markHandled(schedule.scheduleId, now));
    }
  }

  #due(schedule: ScheduleRecord, now: number): void {
    const times = dueTimes(schedule.body, schedule.handledUntil, now);
    const newest = times.at(-1);
    const runNewest = newest !== undefined && now - newest <= schedule.body.graceMinutes * 60_000;
    for (const dueAt of runNewest ? times.slice(0, -1) : times)
      this.#record(schedule, dueAt, 'missed', 'The coordinator was not running at this time (or was later than the grace period).');
    if (runNewest) this.#fire(schedule, newest, now);
  }

  #record(schedule: ScheduleRecord, dueAt: number, outcome: 'missed' | 'skipped', message: string): void {
    const claimed = this.#store.db.transaction(() => {
      if (!this.#store.schedules.claim(schedule.scheduleId, dueAt, this.#store.now())) return false;
      this.#store.schedules.settle(schedule.scheduleId, dueAt, { outcome, runId: null, jobId: null, message });
      return true;
    });
    if (claimed && outcome === 'missed') this.#hooks.missed?.(schedule, dueAt);
  }

  #fire(schedule: ScheduleRecord, dueAt: number, now: number): void {
    if (schedule.body.overlap === 'skip' && this.#stillRunning(schedule)) {
      return this.#record(schedule, dueAt, 'skipped', 'Its previous run had not ended (overlap: skip).');
    }
    this.#store.db.transaction(() => {
      if (!this.#store.schedules.claim(schedule.scheduleId, dueAt, now)) return; // another coordinator (or an earlier tick) ran it
      const template = this.#store.templates.get(schedule.templateId);
      // As the coordinator (no scope): the template's target was checked against its creator's rooms when scheduled.
      const outcome = template ? runTemplate(this.#store, template, schedule.body.params) : { ok: false as const, message: 'Its saved command was deleted.' };
      this.#store.schedules.settle(
        schedule.scheduleId,
        dueAt,
        outcome.ok
          ? { outcome: 'ran', runId: outcome.value.runId ?? null, jobId: outcome.value.jobId ?? null, message: null }
          : { outcome: 'failed', runId: null, jobId: null, message: outcome.message },
      );
      // In the run's own transaction: the audit log says the schedule (not a person) started it.
      const made = outcome.ok ? [outcome.value.runId && `run:${outcome.value.runId}`, outcome.value.jobId && `job:${outcome.value.jobId}`] : [];
      const targets = [`schedule:${schedule.scheduleId}`, ...made.filter((t): t is string => Boolean(t))];
      recordByCoordinator(
        this.#store,
        `schedule ${schedule.scheduleId}`,
        'schedules.fire',
        targets,
        outcome.ok ? 'ok' : 'refused',
        outcome.ok ? null : outcome.message,
      );
    });
  }

  #stillRunning(schedule: ScheduleRecord): boolean {
    const last = this.#store.schedules.history(schedule.scheduleId, 1)[0];
    if (!last || last.outcome !== 'ran') return false;
    if (last.runId) return this.#store.runs.summary(last.runId).completedAt === null && this.#store.runs.summary(last.runId).summary.total > 0;
    const job = last.jobId ? this.#store.jobs.get(last.jobId) : undefined;
    return job !== undefined && (job.status === 'pending' || job.status === 'running');
  }

  /** Wakes the template's PCs `wakeMinutesBefore` its next time, once per time. */
  #wakeAhead(schedule: ScheduleRecord, now: number): void {
    const minutes = schedule.body.wakeMinutesBefore;
    if (!minutes || !this.#hooks.wake) return;
    const [next] = nextTimes(schedule.body, now, 1);
    if (next === undefined || now < next - minutes * 60_000) return;
    const key = `${schedule.scheduleId}:${next}`;
    if (this.#woken.has(key)) return;
    this.#woken.add(key);
    const offline = this.#targetWorkers(schedule).filter((w) => w.status === 'offline');
    if (offline.length) this.#hooks.wake(offline.map((w) => w.workerId));
  }

  /** After its run ends, the power action it asks for, on the PCs it ran on (only if woken, when so asked). */
  #powerAfter(schedule: ScheduleRecord): void {
    const { power, onlyIfWoken } = schedule.body.after;
    const last = this.#store.schedules.history(schedule.scheduleId, 1)[0];
    if (power === 'none' || !this.#hooks.power || !last || last.outcome !== 'ran') return;
    const key = `${schedule.scheduleId}:${last.dueAt}`;
    if (this.#powered.has(key) || this.#stillRunning(schedule)) return;
    // A due time only counts as woken if this process woke PCs for it (see #woken).
    if (onlyIfWoken && !this.#woken.has(key)) return;
    this.#powered.add(key);
    const ids = last.runId
      ? [
          ...new Set(
            this.#store.runs
              .jobs(last.runId)
              .map((j) => j.workerId)
              .filter((id): id is string => id !== null),
          ),
        ]
      : [this.#store.jobs.get(last.jobId!)?.workerId].filter((id): id is string => !!id);
    if (ids.length) this.#hooks.power(ids, power);
  }

  #targetWorkers(schedule: ScheduleRecord) {
    const target = normalizeTarget(this.#store.templates.get(schedule.templateId)?.body.target ?? null);
    return this.#store.workers.all().filter((w) => !w.revoked && matchesTarget(target, w));
  }

  #arm(delay?: number): void {
    clearTimeout(this.#timer);
    const now = this.#store.now();
    const next = Math.min(
      ...this.#store.schedules
        .all()
        .filter((s) => !s.paused)
        .flatMap((s) => nextTimes(s.body, now, 1)),
      now + MAX_SLEEP_MS,
    );
    this.#timer = setTimeout(
      () => {
        try {
          this.tick();
        } finally {
          if (!this.#stopped) this.#arm();
        }
      },
      delay ?? Math.max(250, next - now + 5),
    );
    this.#timer.unref?.();
  }
}
