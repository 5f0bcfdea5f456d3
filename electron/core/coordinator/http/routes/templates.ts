/** Saved commands and schedules: create, list, change, delete, run; a schedule's preview while typing. */
import express from 'express';
import { TEMPLATE_ENDPOINTS as E } from '../../../../../shared/endpoints/templates.ts';
import { TEMPLATE_LIMITS, type TemplateBody, type TemplateDto } from '../../../../../shared/templates.ts';
import type { CoordinatorContext } from '../../context.ts';
import { storeEmptyZip, uploadExists } from '../../files/uploads.ts';
import type { TemplateRecord } from '../../state/repositories/templates.ts';
import { runTemplate, templateProblem } from '../../templates/templates.ts';
import { HttpError } from '../http-error.ts';
import { refusalToHttp } from '../refusals.ts';
import { parseBody, queryString } from '../validate.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { auditTarget } from '../../audit/audit-context.ts';
import { scopeOf } from '../auth.ts';
import type { Scope } from '../../../../../shared/roles.ts';
import { outOfScope, scopedTarget, targetInScope } from '../../people/scope.ts';
import { normalizeTarget } from '../../jobs/targeting.ts';

export function templateRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '256kb' });
  const store = ctx.store;
  routes.on('postTemplatesCreate', json, async (req, res) => {
    const parsed = parseBody(E.postTemplatesCreate.json, req.body, ['name', 'commands'], 'name and commands are required');
    const body = await checkedBody(ctx, scopedBody(ctx, parsed, scopeOf(res)));
    if (store.templates.count() >= TEMPLATE_LIMITS.maxTemplates)
      throw new HttpError(413, `A coordinator keeps at most ${TEMPLATE_LIMITS.maxTemplates} saved commands; delete some first.`, {}, 'too_large');
    const template = store.db.transaction(() => {
      const made = store.templates.insert(body, store.now());
      auditTarget('template', made.templateId);
      return made;
    });
    await ctx.commit.durable();
    res.json({ success: true, template: templateDto(template) });
  });

  routes.on('getTemplatesCreate', (_req, res) => {
    res.json({ templates: store.templates.all().map(templateDto) });
  });

  routes.on('getTemplatesGet', (req, res) => {
    const templateId = queryString(req.query.templateId, 'templateId') ?? '';
    const template = store.templates.get(templateId);
    if (!template) throw notFound(templateId);
    res.json(templateDto(template));
  });

  routes.on('postTemplatesUpdate', json, async (req, res) => {
    const { templateId, ...rest } = parseBody(
      E.postTemplatesUpdate.json,
      req.body,
      ['templateId', 'name', 'commands'],
      'templateId, name and commands are required',
    );
    assertTemplateInScope(ctx, templateId, scopeOf(res));
    const body = await checkedBody(ctx, scopedBody(ctx, rest, scopeOf(res)));
    const template = store.db.transaction(() => store.templates.update(templateId, body, store.now()));
    if (!template) throw notFound(templateId);
    await ctx.commit.durable();
    res.json({ success: true, template: templateDto(template) });
  });

  routes.on('postTemplatesDelete', json, async (req, res) => {
    const { templateId } = parseBody(E.postTemplatesDelete.json, req.body, ['templateId'], 'templateId is required');
    if (store.templates.get(templateId)) assertTemplateInScope(ctx, templateId, scopeOf(res));
    const outcome = store.db.transaction(() => {
      const used = store.schedules.usingTemplate(templateId);
      if (used > 0) return used;
      return store.templates.delete(templateId) ? 0 : -1;
    });
    if (outcome === -1) throw notFound(templateId);
    if (outcome > 0)
      throw refusalToHttp({
        reason: 'template_in_use',
        message: `${outcome} schedule${outcome === 1 ? ' runs' : 's run'} this saved command; delete or change ${outcome === 1 ? 'it' : 'them'} first.`,
      });
    await ctx.commit.durable();
    res.json({ success: true, templateId });
  });

  routes.on('postTemplatesRun', json, async (req, res) => {
    const body = parseBody(E.postTemplatesRun.json, req.body, ['templateId'], 'templateId is required');
    const template = store.templates.get(body.templateId);
    if (!template) throw notFound(body.templateId);
    const outcome = runTemplate(store, template, body.params, scopeOf(res));
    if (!outcome.ok) throw new HttpError(400, outcome.message);
    await ctx.commit.durable();
    res.json({ success: true, ...outcome.value });
  });

  return routes;
}

/** A saved command a scoped person may change: one whose stored target keeps it in their rooms. */
export function assertTemplateInScope(ctx: CoordinatorContext, templateId: string, scope: Scope | null): TemplateRecord {
  const template = ctx.store.templates.get(templateId);
  if (!template) throw notFound(templateId);
  if (scope && !targetInScope(ctx.store, normalizeTarget(template.body.target ?? null), scope)) {
    throw outOfScope(`The saved command "${template.body.name}"`, scope);
  }
  return template;
}

/** What a scoped person saves runs in their rooms: its target narrowed or refused as a job's is (scope.ts). */
function scopedBody<T extends TemplateBody>(ctx: CoordinatorContext, body: T, scope: Scope | null): T {
  return scope ? { ...body, target: scopedTarget(ctx.store, normalizeTarget(body.target ?? null), scope) ?? null } : body;
}

function notFound(templateId: string) {
  return refusalToHttp({ reason: 'template_not_found', message: `There is no saved command ${JSON.stringify(templateId)}.` });
}

/** The body checked, then (only then: a refused one leaves no file) an empty zip kept for a one-job or broadcast template that names none. */
async function checkedBody(ctx: CoordinatorContext, body: TemplateBody): Promise<TemplateBody> {
  const mode = body.mode ?? 'single';
  const problem = templateProblem(ctx.store, { ...body, mode }, (name) => uploadExists(ctx.uploadsDir, name));
  if (problem) throw new HttpError(400, problem);
  if (mode === 'map' || body.zips?.length) return { ...body, mode };
  const empty = await storeEmptyZip(ctx.uploadsDir);
  ctx.uploadIndex.record(empty.name, empty.sha256);
  return { ...body, mode, zips: [{ fileUrl: empty.fileUrl, filename: '(no zip)' }] };
}

export function templateDto(template: TemplateRecord): TemplateDto {
  const { body } = template;
  return {
    ...body,
    mode: body.mode ?? 'single',
    params: body.params ?? [],
    templateId: template.templateId,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}
