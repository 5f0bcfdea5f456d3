/** A saved command in words, for its row and its dialogs: its mode, where it runs, its parameters. */
import type { WorkerDto } from '../../../shared/api.ts';
import type { ParamDefinition, TemplateDto } from '../../lib/api-types.ts';
import { describeTarget } from '../../lib/targets.ts';

export const MODE_WORDS: Record<TemplateDto['mode'], string> = {
  single: 'One job',
  each: 'One job per PC',
  map: 'One job per zip',
};

/** "any PC", "every PC tagged room-b", "lab-pc-07". */
export function targetWords(template: Pick<TemplateDto, 'mode' | 'target'>, workers: readonly WorkerDto[]): string {
  const target = template.target ? describeTarget(template.target, workers) : '';
  if (template.mode === 'each') return target ? `every one of ${target}` : 'every PC';
  return target || 'any PC';
}

/** "who (text, required), times (number = 3)". */
export function paramWords(params: readonly ParamDefinition[]): string {
  if (params.length === 0) return 'none';
  return params
    .map((p) => {
      const extras = [p.type === 'choice' ? p.choices.join(' | ') : p.type];
      if (p.required) extras.push('required');
      return `${p.name} (${extras.join(', ')}${p.default !== undefined ? ` = ${String(p.default)}` : ''})`;
    })
    .join(', ');
}
