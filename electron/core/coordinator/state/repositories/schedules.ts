/**
 * Schedules and what became of each due time. A due time is one row keyed by (schedule, time): the
 * first coordinator to insert it runs it, so a schedule never runs twice for one time, across
 * restarts and coordinators sharing the database.
 */
import { randomBytes } from 'node:crypto';
import type { SqlStatement } from '../sql.ts';
import { SCHEDULE_OUTCOMES } from '../../../../../shared/templates.ts';
import type { Database } from '../sql.ts';
import { int, oneOf, text, textOrNull, type Row } from '../row.ts';

/** A schedule as kept: what was asked (its body), whether it is paused, and up to when its due times were handled. */
export interface ScheduleRecord {
  scheduleId: string;
  templateId: string;
  body: ScheduleSettings;
  paused: boolean;
  createdAt: number;
  handledUntil: number;
}

export interface ScheduleSettings {
  cron: string;
  timezone: string;
  params: Record<string, string | number | boolean>;
  wakeMinutesBefore: number | null;
  graceMinutes: number;
  overlap: 'skip' | 'allow';
  after: { power: 'none' | 'shutdown' | 'reboot'; onlyIfWoken: boolean };
}

export type ScheduleOutcome = (typeof SCHEDULE_OUTCOMES)[number];

export interface ScheduleRun {
  dueAt: number;
  outcome: ScheduleOutcome;
  runId: string | null;
  jobId: string | null;
  message: string | null;
}

function toRecord(row: Row): ScheduleRecord {
  return {
    scheduleId: text(row, 'schedule_id'),
    templateId: text(row, 'template_id'),
    body: JSON.parse(text(row, 'body')) as ScheduleSettings,
    paused: int(row, 'paused') === 1,
    createdAt: int(row, 'created_at'),
    handledUntil: int(row, 'handled_until'),
  };
}

export class ScheduleRepository {
  readonly #q: Record<'insert' | 'update' | 'delete' | 'get' | 'all' | 'pause' | 'handled' | 'claim' | 'settle' | 'last' | 'byTemplate', SqlStatement>;

  constructor(db: Database) {
    this.#q = {
      insert: db.prepare('INSERT INTO schedules (schedule_id, template_id, body, created_at, handled_until) VALUES (?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE schedules SET template_id = ?, body = ?, handled_until = MAX(handled_until, ?) WHERE schedule_id = ?'),
      delete: db.prepare('DELETE FROM schedules WHERE schedule_id = ?'),
      get: db.prepare('SELECT * FROM schedules WHERE schedule_id = ?'),
      all: db.prepare('SELECT * FROM schedules ORDER BY seq'),
      pause: db.prepare('UPDATE schedules SET paused = ?, handled_until = MAX(handled_until, ?) WHERE schedule_id = ?'),
      handled: db.prepare('UPDATE schedules SET handled_until = MAX(handled_until, ?) WHERE schedule_id = ?'),
      claim: db.prepare("INSERT INTO schedule_runs (schedule_id, due_at, outcome, at) VALUES (?, ?, 'ran', ?) ON CONFLICT DO NOTHING"),
      settle: db.prepare('UPDATE schedule_runs SET outcome = ?, run_id = ?, job_id = ?, message = ? WHERE schedule_id = ? AND due_at = ?'),
      last: db.prepare('SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY due_at DESC LIMIT ?'),
      byTemplate: db.prepare('SELECT COUNT(*) AS n FROM schedules WHERE template_id = ?'),
    };
  }

  insert(templateId: string, body: ScheduleSettings, now: number): ScheduleRecord {
    const scheduleId = `sch-${now}-${randomBytes(5).toString('hex')}`;
    this.#q.insert.run(scheduleId, templateId, JSON.stringify(body), now, now);
    return this.get(scheduleId)!;
  }

  /** New settings; due times before `now` stay handled (a changed expression does not run the past). */
  update(scheduleId: string, templateId: string, body: ScheduleSettings, now: number): ScheduleRecord | undefined {
    this.#q.update.run(templateId, JSON.stringify(body), now, scheduleId);
    return this.get(scheduleId);
  }

  delete(scheduleId: string): boolean {
    return Number(this.#q.delete.run(scheduleId).changes) > 0;
  }

  get(scheduleId: string): ScheduleRecord | undefined {
    const row = this.#q.get.get(scheduleId);
    return row && toRecord(row);
  }

  all(): ScheduleRecord[] {
    return this.#q.all.all().map(toRecord);
  }

  usingTemplate(templateId: string): number {
    return int(this.#q.byTemplate.get(templateId)!, 'n');
  }

  /** Paused: its due times pass unrun; resumed: from now on (the time paused is not made up). */
  setPaused(scheduleId: string, paused: boolean, now: number): void {
    this.#q.pause.run(paused ? 1 : 0, now, scheduleId);
  }

  markHandled(scheduleId: string, until: number): void {
    this.#q.handled.run(until, scheduleId);
  }

  /** Takes the due time for this coordinator; false when it was taken already (here earlier, or by another coordinator). */
  claim(scheduleId: string, dueAt: number, now: number): boolean {
    return Number(this.#q.claim.run(scheduleId, dueAt, now).changes) > 0;
  }

  settle(scheduleId: string, dueAt: number, run: Omit<ScheduleRun, 'dueAt'>): void {
    this.#q.settle.run(run.outcome, run.runId, run.jobId, run.message, scheduleId, dueAt);
  }

  /** Its newest due times and what became of them, newest first. */
  history(scheduleId: string, limit = 1): ScheduleRun[] {
    return this.#q.last.all(scheduleId, limit).map((row) => ({
      dueAt: int(row, 'due_at'),
      outcome: oneOf(row, 'outcome', SCHEDULE_OUTCOMES),
      runId: textOrNull(row, 'run_id'),
      jobId: textOrNull(row, 'job_id'),
      message: textOrNull(row, 'message'),
    }));
  }
}
