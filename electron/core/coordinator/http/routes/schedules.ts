/** Schedules of saved commands: create, list (with the last run and the next five times), change, pause, delete. */
import express from 'express';
import { TEMPLATE_ENDPOINTS as E } from '../../../../../shared/endpoints/templates.ts';
import { TEMPLATE_LIMITS } from '../../../../../shared/templates.ts';
import type { CoordinatorContext } from '../../context.ts';
import { nextTimes, scheduleDto, scheduleSettings, type ScheduleRequest } from '../../templates/schedules.ts';
import { cronWords } from '../../../../../shared/cron-words.ts';
import { resolveParams } from '../../templates/template-params.ts';
import { HttpError } from '../http-error.ts';
import { refusalToHttp } from '../refusals.ts';
import { parseBody, queryString } from '../validate.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { auditTarget } from '../../audit/audit-context.ts';
import { scopeOf } from '../auth.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { assertTemplateInScope } from './templates.ts';

export function scheduleRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '64kb' });
  const store = ctx.store;
  routes.on('postSchedulesCreate', json, async (req, res) => {
    const body = parseBody(E.postSchedulesCreate.json, req.body, ['templateId', 'cron'], 'templateId and cron are required');
    const settings = settingsOf(ctx, body.templateId, body, scopeOf(res));
    if (store.schedules.all().length >= TEMPLATE_LIMITS.maxSchedules)
      throw new HttpError(413, `A coordinator keeps at most ${TEMPLATE_LIMITS.maxSchedules} schedules.`, {}, 'too_large');
    const schedule = store.db.transaction(() => {
      const made = store.schedules.insert(body.templateId, settings, store.now());
      auditTarget('schedule', made.scheduleId);
      return made;
    });
    await ctx.commit.durable();
    ctx.schedules.poke();
    res.json({ success: true, schedule: scheduleDto(store, schedule) });
  });

  routes.on('getSchedulesCreate', (_req, res) => {
    res.json({ schedules: store.schedules.all().map((s) => scheduleDto(store, s)) });
  });

  routes.on('postSchedulesUpdate', json, async (req, res) => {
    const { scheduleId, ...body } = parseBody(
      E.postSchedulesUpdate.json,
      req.body,
      ['scheduleId', 'templateId', 'cron'],
      'scheduleId, templateId and cron are required',
    );
    assertScheduleInScope(ctx, scheduleId, scopeOf(res));
    const settings = settingsOf(ctx, body.templateId, body, scopeOf(res));
    const schedule = store.db.transaction(() => store.schedules.update(scheduleId, body.templateId, settings, store.now()))!;
    await ctx.commit.durable();
    ctx.schedules.poke();
    res.json({ success: true, schedule: scheduleDto(store, schedule) });
  });

  routes.on('postSchedulesPause', json, async (req, res) => {
    const { scheduleId, paused } = parseBody(E.postSchedulesPause.json, req.body, ['scheduleId'], 'scheduleId and paused are required');
    assertScheduleInScope(ctx, scheduleId, scopeOf(res));
    store.db.transaction(() => store.schedules.setPaused(scheduleId, paused, store.now()));
    await ctx.commit.durable();
    ctx.schedules.poke();
    res.json({ success: true, schedule: scheduleDto(store, store.schedules.get(scheduleId)!) });
  });

  routes.on('getSchedulesPreview', (req, res) => {
    const cron = queryString(req.query.cron, 'cron') ?? '';
    const settings = scheduleSettings({ cron, timezone: queryString(req.query.timezone, 'timezone') });
    if (!settings.ok) throw new HttpError(400, settings.message);
    res.json({ words: cronWords(settings.settings.cron), timezone: settings.settings.timezone, next: nextTimes(settings.settings, store.now(), 5) });
  });

  routes.on('postSchedulesDelete', json, async (req, res) => {
    const { scheduleId } = parseBody(E.postSchedulesDelete.json, req.body, ['scheduleId'], 'scheduleId is required');
    if (store.schedules.get(scheduleId)) assertScheduleInScope(ctx, scheduleId, scopeOf(res));
    if (!store.db.transaction(() => store.schedules.delete(scheduleId))) throw notFound(scheduleId);
    await ctx.commit.durable();
    res.json({ success: true, scheduleId });
  });

  return routes;
}

function notFound(scheduleId: string) {
  return refusalToHttp({ reason: 'schedule_not_found', message: `There is no schedule ${JSON.stringify(scheduleId)}.` });
}

/**
 * Settings checked: the template exists, its target is in the caller's rooms (a schedule fires as the coordinator,
 * so this is the only time its scope is checked), its parameters take these values, the expression and time zone are valid.
 */
function settingsOf(ctx: CoordinatorContext, templateId: string, request: ScheduleRequest, scope: Scope | null) {
  const template = ctx.store.templates.get(templateId);
  if (!template) throw refusalToHttp({ reason: 'template_not_found', message: `There is no saved command ${JSON.stringify(templateId)} to schedule.` });
  assertTemplateInScope(ctx, templateId, scope);
  const params = resolveParams(template.body.params ?? [], request.params);
  if (!params.ok) throw new HttpError(400, params.message);
  const settings = scheduleSettings(request);
  if (!settings.ok) throw new HttpError(400, settings.message);
  return settings.settings;
}

/** A schedule a scoped person may change: one whose saved command runs in their rooms. */
function assertScheduleInScope(ctx: CoordinatorContext, scheduleId: string, scope: Scope | null): void {
  const schedule = ctx.store.schedules.get(scheduleId);
  if (!schedule) throw notFound(scheduleId);
  if (scope) assertTemplateInScope(ctx, schedule.templateId, scope);
}
