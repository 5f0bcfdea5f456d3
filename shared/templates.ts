/**
 * Saved commands (templates) and their schedules on the wire. A template's parameters never become
 * shell text: each value reaches the job as the environment variable CMDX_PARAM_<NAME>, and a
 * `{{name}}` placeholder in the commands becomes a reference to that variable in the job's shell.
 */
import { z } from 'zod';
import { jobShell, jobTarget, printable } from './api-schemas.ts';
import { artifactPatterns } from './artifact-patterns.ts';
import { gradingSettings } from './grading.ts';
import { LIMITS } from './limits.ts';
import type { ShellName } from './shells.ts';

export const TEMPLATE_LIMITS = { maxParams: 20, maxValueLength: 4000, maxChoices: 50, maxTemplates: 1000, maxSchedules: 200 } as const;

/** A parameter's name: a letter, then letters, digits and `_` (it becomes part of an environment variable's name). */
export const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
/** `{{name}}` in a template's commands (spaces inside the braces allowed). */
export const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,39})\s*\}\}/g;

// A value is plain text: no control characters (a line break would end a command line; NUL cannot be in an environment).
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const CONTROL = /[\x00-\x1f\x7f]/;
const paramValue = z
  .string()
  .max(TEMPLATE_LIMITS.maxValueLength)
  .refine((v) => !CONTROL.test(v), 'must be one line of text, without control characters');

export const paramDefinition = z.discriminatedUnion('type', [
  z.object({ name: z.string().regex(PARAM_NAME), type: z.literal('text'), default: paramValue.optional(), required: z.boolean().optional() }),
  z.object({ name: z.string().regex(PARAM_NAME), type: z.literal('number'), default: z.number().finite().optional(), required: z.boolean().optional() }),
  z.object({ name: z.string().regex(PARAM_NAME), type: z.literal('boolean'), default: z.boolean().optional(), required: z.boolean().optional() }),
  z.object({
    name: z.string().regex(PARAM_NAME),
    type: z.literal('choice'),
    choices: z.array(paramValue.min(1)).min(1).max(TEMPLATE_LIMITS.maxChoices),
    default: paramValue.optional(),
    required: z.boolean().optional(),
  }),
]);
export type ParamDefinition = z.infer<typeof paramDefinition>;

export const TEMPLATE_MODES = ['single', 'each', 'map'] as const;

export const templateBody = z.object({
  name: printable(LIMITS.runNameLength).trim().min(1),
  commands: z.string().min(1).max(LIMITS.commandLength),
  params: z.array(paramDefinition).max(TEMPLATE_LIMITS.maxParams).optional(),
  mode: z.enum(TEMPLATE_MODES).optional(),
  target: jobTarget.nullish(),
  timeoutSeconds: z.number().int().min(1).max(LIMITS.maxTimeoutSeconds).optional(),
  artifacts: artifactPatterns.optional(),
  shell: jobShell.nullish(),
  grading: gradingSettings.optional(),
  /** The zips it keeps (as long as it exists): uploads to this coordinator, by their /uploads/… URL; one for single and each. */
  zips: z
    .array(z.object({ fileUrl: z.string().min(1).max(LIMITS.fileUrlLength), filename: z.string().min(1).max(LIMITS.shortText) }))
    .max(LIMITS.maxRunZips)
    .optional(),
});
export type TemplateBody = z.infer<typeof templateBody>;

/** Parameter values as given to run a template: text, numbers or booleans, checked against its definitions. */
export const paramValues = z.record(z.string().regex(PARAM_NAME), z.union([paramValue, z.number().finite(), z.boolean()]));

export const templateDto = templateBody.extend({
  templateId: z.string(),
  mode: z.enum(TEMPLATE_MODES),
  params: z.array(paramDefinition),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TemplateDto = z.infer<typeof templateDto>;

export const SCHEDULE_OVERLAP = ['skip', 'allow'] as const;
export const POWER_AFTER = ['none', 'shutdown', 'reboot'] as const;

export const scheduleBody = z.object({
  templateId: z.string().min(1).max(LIMITS.idLength),
  cron: z.string().min(1).max(200),
  timezone: z.string().min(1).max(100).optional(),
  params: paramValues.optional(),
  wakeMinutesBefore: z.number().int().min(0).max(120).optional(),
  graceMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .optional(),
  overlap: z.enum(SCHEDULE_OVERLAP).optional(),
  after: z.object({ power: z.enum(POWER_AFTER), onlyIfWoken: z.boolean().optional() }).optional(),
});

export const SCHEDULE_OUTCOMES = ['ran', 'missed', 'skipped', 'failed'] as const;

export const scheduleDto = z.object({
  scheduleId: z.string(),
  templateId: z.string(),
  cron: z.string(),
  timezone: z.string(),
  /** The expression in words ("every weekday at 22:00"). */
  words: z.string(),
  params: paramValues,
  wakeMinutesBefore: z.number().nullable(),
  graceMinutes: z.number(),
  overlap: z.enum(SCHEDULE_OVERLAP),
  after: z.object({ power: z.enum(POWER_AFTER), onlyIfWoken: z.boolean() }),
  paused: z.boolean(),
  createdAt: z.number(),
  lastRun: z
    .object({
      dueAt: z.number(),
      outcome: z.enum(SCHEDULE_OUTCOMES),
      runId: z.string().nullable(),
      jobId: z.string().nullable(),
      message: z.string().nullable(),
    })
    .nullable(),
  next: z.array(z.number()),
});
export type ScheduleDto = z.infer<typeof scheduleDto>;

/** The environment variable a parameter's value travels in: CMDX_PARAM_ and its name upper-cased, anything else as `_`. */
export function paramEnvName(name: string): string {
  return `CMDX_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** How `shell` reads the variable: quoted for sh, %…% for cmd, $env: for PowerShell. */
export function paramReference(shell: ShellName, name: string): string {
  const env = paramEnvName(name);
  if (shell === 'cmd') return `%${env}%`;
  if (shell === 'powershell' || shell === 'pwsh') return `$env:${env}`;
  return `"$${env}"`;
}

/** The commands with each placeholder replaced by its variable's reference in `shell`. */
export function withParamReferences(commands: string, shell: ShellName): string {
  return commands.replace(PLACEHOLDER, (_match, name: string) => paramReference(shell, name));
}

/** The placeholders a template's commands use. */
export function placeholdersOf(commands: string): string[] {
  return [...new Set([...commands.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}
