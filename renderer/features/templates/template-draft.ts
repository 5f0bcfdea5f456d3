/**
 * The edit form's state as the fields hold it (text), made from a saved command and back into the body
 * the coordinator takes (every field again). What the form does not show (grading settings, the zips)
 * goes back as it was; the coordinator's own sentence says what else is wrong.
 */
import { LIMITS, type TARGET_OS } from '../../../shared/api.ts';
import { placeholdersOf } from '../../../shared/templates.ts';
import type { ShellName } from '../../../shared/shells.ts';
import type { ParamDefinition, TemplateBody, TemplateDto } from '../../lib/api-types.ts';

export type ParamType = ParamDefinition['type'];
export type TargetOs = (typeof TARGET_OS)[number];

export interface ParamDraft {
  /** Keeps a row's fields when one above it is removed. */
  key: number;
  name: string;
  type: ParamType;
  /** A choice's choices, separated by commas. */
  choices: string;
  /** A boolean's default is `true`/`false`/`''` (none) too. */
  default: string;
  required: boolean;
}

export interface TemplateDraft {
  name: string;
  commands: string;
  params: ParamDraft[];
  mode: TemplateDto['mode'];
  /** Worker ids and tags separated by commas; an OS or '' (any). */
  workers: string;
  tags: string;
  os: TargetOs | '';
  timeoutMinutes: string;
  shell: ShellName | null;
  /** Result file patterns, one per line. */
  artifacts: string;
}

let nextKey = 1;
export const newParamKey = (): number => nextKey++;

export function emptyParam(name = ''): ParamDraft {
  return { key: newParamKey(), name, type: 'text', choices: '', default: '', required: false };
}

export const EMPTY_DRAFT: TemplateDraft = {
  name: '',
  commands: '',
  params: [],
  mode: 'single',
  workers: '',
  tags: '',
  os: '',
  timeoutMinutes: '',
  shell: null,
  artifacts: '',
};

export function draftOf(t: TemplateDto): TemplateDraft {
  return {
    name: t.name,
    commands: t.commands,
    params: t.params.map((p) => ({
      key: newParamKey(),
      name: p.name,
      type: p.type,
      choices: p.type === 'choice' ? p.choices.join(', ') : '',
      default: p.default === undefined ? '' : String(p.default),
      required: p.required ?? false,
    })),
    mode: t.mode,
    workers: t.target?.workers?.join(', ') ?? '',
    tags: t.target?.tags?.join(', ') ?? '',
    os: t.target?.os ?? '',
    timeoutMinutes: t.timeoutSeconds === undefined ? '' : String(+(t.timeoutSeconds / 60).toFixed(2)),
    shell: t.shell ?? null,
    artifacts: (t.artifacts ?? []).join('\n'),
  };
}

const list = (text: string, separator: RegExp = /[,\s]+/) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

/** A parameter as the coordinator takes it, or the sentence that says why it cannot be one. */
export function paramOf(p: ParamDraft): ParamDefinition | string {
  const name = p.name.trim();
  const required = p.required || undefined;
  const given = p.default !== '';
  switch (p.type) {
    case 'number': {
      const n = Number(p.default);
      if (given && (p.default.trim() === '' || !Number.isFinite(n))) return `The default of ${name || 'a parameter'} must be a number.`;
      return { name, type: 'number', default: given ? n : undefined, required };
    }
    case 'boolean':
      return { name, type: 'boolean', default: given ? p.default === 'true' : undefined, required };
    case 'choice': {
      const choices = list(p.choices, /,/);
      if (choices.length === 0) return `Give ${name || 'the choice parameter'} its choices, separated by commas.`;
      return { name, type: 'choice', choices, default: given ? p.default : undefined, required };
    }
    case 'text':
      return { name, type: 'text', default: given ? p.default : undefined, required };
  }
}

/** The body to save (`kept`: the saved command's fields the form does not show), or the sentence that stops it. */
export function bodyOf(d: TemplateDraft, kept: Pick<TemplateBody, 'grading' | 'zips'>): TemplateBody | string {
  const params: ParamDefinition[] = [];
  for (const p of d.params) {
    const param = paramOf(p);
    if (typeof param === 'string') return param;
    params.push(param);
  }
  const minutes = d.timeoutMinutes.trim() === '' ? null : Number(d.timeoutMinutes);
  if (minutes !== null && !(minutes > 0)) return 'The time limit is a number of minutes above 0.';
  const workers = list(d.workers);
  const tags = list(d.tags);
  const target =
    workers.length || tags.length || d.os ? { ...(workers.length ? { workers } : {}), ...(tags.length ? { tags } : {}), ...(d.os ? { os: d.os } : {}) } : null;
  const artifacts = list(d.artifacts, /\r?\n/);
  return {
    name: d.name.trim(),
    commands: d.commands,
    params,
    mode: d.mode,
    target,
    timeoutSeconds: minutes === null ? undefined : Math.min(LIMITS.maxTimeoutSeconds, Math.max(1, Math.round(minutes * 60))),
    shell: d.shell,
    artifacts: artifacts.length ? artifacts : undefined,
    grading: d.mode === 'map' ? kept.grading : undefined,
    zips: kept.zips,
  };
}

/** Placeholders in the commands that no parameter row names yet. */
export function missingParams(d: Pick<TemplateDraft, 'commands' | 'params'>): string[] {
  return placeholdersOf(d.commands).filter((name) => !d.params.some((p) => p.name.trim() === name));
}

/** The saved command's body again (for Duplicate), under another name. */
export function copyOf(t: TemplateDto): TemplateBody {
  const { templateId: _id, createdAt: _created, updatedAt: _updated, ...body } = t;
  const suffix = ' (copy)';
  const name = t.name.length + suffix.length > LIMITS.runNameLength ? `${t.name.slice(0, LIMITS.runNameLength - suffix.length - 1)}…` : t.name;
  return { ...body, name: `${name}${suffix}` };
}
