/**
 * Saved commands: a template checked before it is kept (its placeholders are its parameters, its zips
 * our uploads, its grading settings valid), and run with parameter values: one job, or a run (each,
 * map) that records the template and the values its jobs got.
 */
import { uploadNameFromUrl } from '../../../../shared/uploads.ts';
import type { TemplateBody } from '../../../../shared/templates.ts';
import { createJob } from '../jobs/job-commands.ts';
import { targetProblem } from '../jobs/target-check.ts';
import { normalizeTarget } from '../jobs/targeting.ts';
import { gradingRecord } from '../grading/grading-run.ts';
import { createRun, DEFAULT_DEADLINE_SECONDS } from '../runs/runs.ts';
import { DEFAULT_TIMEOUT_SECONDS } from '../state/repositories/jobs.ts';
import type { TemplateRecord } from '../state/repositories/templates.ts';
import type { Store } from '../state/store.ts';
import { paramsProblem, resolveParams, type Checked } from './template-params.ts';
import type { Scope } from '../../../../shared/roles.ts';
import { scopedRunTarget } from '../people/scope.ts';

/** What is wrong with a template, or null. `uploadExists` says whether an /uploads/ name is on disk. */
export function templateProblem(store: Store, body: TemplateBody, uploadExists: (name: string) => boolean): string | null {
  const mode = body.mode ?? 'single';
  const zips = body.zips ?? [];
  if (mode !== 'map' && zips.length > 1) return `A "${mode}" template keeps one zip (or none); a template over many zips is mode "map".`;
  if (mode === 'map' && zips.length === 0) return 'A "map" template keeps the zips it runs one job per: give them in "zips".';
  if (body.grading && mode !== 'map') return 'Grading settings are for "map" templates: one job per student zip.';
  for (const zip of zips) {
    const name = uploadNameFromUrl(zip.fileUrl);
    if (!name || !uploadExists(name)) return `${zip.fileUrl.slice(0, 200)} is not an upload on this coordinator; a template keeps only its own uploads.`;
  }
  if (body.grading) {
    const graded = gradingRecord(body.grading, null, null);
    if (!graded.ok) return graded.message;
  }
  return paramsProblem(body) ?? targetProblem(store, normalizeTarget(body.target ?? null));
}

export type TemplateRunOutcome = Checked<{ runId?: string; jobId?: string }>;

/**
 * Runs the template with `given` values: one job (single) or a run (each, map), all in one transaction. A scoped
 * person's run stays in their rooms (scope.ts; Refused out_of_scope otherwise); a schedule runs with no scope.
 */
export function runTemplate(
  store: Store,
  template: TemplateRecord,
  given: Record<string, string | number | boolean> | undefined,
  scope: Scope | null = null,
): TemplateRunOutcome {
  const body = template.body;
  const params = resolveParams(body.params ?? [], given);
  if (!params.ok) return params;
  const values = Object.keys(params.value).length ? params.value : null;
  const zips = (body.zips ?? []).map((zip) => ({ ...zip, fileSha256: sha256Of(store, zip.fileUrl) }));
  const mode = body.mode ?? 'single';
  const target = scopedRunTarget(store, normalizeTarget(body.target ?? null), mode, scope);
  if (mode === 'single') {
    const zip = zips[0];
    if (!zip) return { ok: false, message: 'The template keeps no zip to run.' };
    const job = createJob(store, {
      command: body.commands,
      ...zip,
      timeoutSeconds: body.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      target,
      artifactPatterns: body.artifacts ?? [],
      shell: body.shell ?? null,
      templateId: template.templateId,
      params: values,
    });
    return { ok: true, value: { jobId: job.jobId } };
  }
  const tests = body.grading?.testsUrl ? { fileUrl: body.grading.testsUrl, sha256: sha256Of(store, body.grading.testsUrl) } : null;
  const grading = body.grading ? gradingRecord(body.grading, tests, body.grading.baseUrl ? { fileUrl: body.grading.baseUrl, sha256: null } : null) : null;
  if (grading && !grading.ok) return grading;
  const outcome = createRun(store, {
    name: body.name,
    mode,
    command: body.commands,
    target,
    timeoutSeconds: body.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    maxAttempts: 1,
    maxParallel: null,
    deadlineSeconds: DEFAULT_DEADLINE_SECONDS,
    scorePattern: null,
    artifactPatterns: body.artifacts ?? [],
    shell: body.shell ?? null,
    zips,
    grading: grading?.grading ?? null,
    students: null,
    templateId: template.templateId,
    params: values,
    scope,
  });
  return outcome.ok ? { ok: true, value: { runId: outcome.run.runId } } : { ok: false, message: outcome.message };
}

function sha256Of(store: Store, fileUrl: string): string | null {
  const name = uploadNameFromUrl(fileUrl);
  return name ? store.uploads.sha256(name) : null;
}
