/** A template's parameters: their definitions checked against its commands, and the values a run gives checked against the definitions. */
import { placeholdersOf, type ParamDefinition, type TemplateBody } from '../../../../shared/templates.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** What is wrong with a template's parameters and placeholders, or null. */
export function paramsProblem(body: TemplateBody): string | null {
  const defs = body.params ?? [];
  const names = new Set<string>();
  for (const def of defs) {
    const key = def.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    if (names.has(key)) return `Two parameters are named ${def.name} (names are compared upper-cased, as their variables are).`;
    names.add(key);
    if (def.type === 'choice' && def.default !== undefined && !def.choices.includes(def.default))
      return `The default of ${def.name}, ${JSON.stringify(def.default)}, is not one of its choices.`;
  }
  const unknown = placeholdersOf(body.commands).filter((name) => !defs.some((def) => def.name === name));
  if (unknown.length)
    return `The commands use {{${unknown[0]}}}, which is not one of the template's parameters; add it to "params", or remove the placeholder.`;
  return null;
}

/** The values a run of the template uses, as text: the given ones checked by type, the rest their defaults. */
export function resolveParams(defs: readonly ParamDefinition[], given: Record<string, string | number | boolean> = {}): Checked<Record<string, string>> {
  const unknown = Object.keys(given).filter((name) => !defs.some((def) => def.name === name));
  if (unknown.length) return { ok: false, message: `The template has no parameter ${unknown[0]}; it takes ${defs.map((d) => d.name).join(', ') || 'none'}.` };
  const values: Record<string, string> = {};
  for (const def of defs) {
    const value = given[def.name] ?? def.default;
    if (value === undefined) {
      if (def.required) return { ok: false, message: `The parameter ${def.name} is required: give it a value.` };
      continue;
    }
    const text = valueText(def, value);
    if (!text.ok) return text;
    values[def.name] = text.value;
  }
  return { ok: true, value: values };
}

function valueText(def: ParamDefinition, value: string | number | boolean): Checked<string> {
  switch (def.type) {
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n)
        ? { ok: true, value: String(n) }
        : { ok: false, message: `The parameter ${def.name} must be a number, not ${JSON.stringify(value)}.` };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value: String(value) };
      return value === 'true' || value === 'false' ? { ok: true, value } : { ok: false, message: `The parameter ${def.name} must be true or false.` };
    case 'choice':
      return typeof value === 'string' && def.choices.includes(value)
        ? { ok: true, value }
        : { ok: false, message: `The parameter ${def.name} must be one of ${def.choices.map((c) => JSON.stringify(c)).join(', ')}.` };
    case 'text':
      return typeof value === 'string' ? { ok: true, value } : { ok: false, message: `The parameter ${def.name} must be text.` };
  }
}
