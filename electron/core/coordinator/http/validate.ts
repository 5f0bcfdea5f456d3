/** Request validation: the seed's "X is required" message for missing fields, a precise sentence for wrong ones. */
import type { z } from 'zod';
import type { JobTarget } from '../../../../shared/api.ts';
import { artifactPatterns, jobShell, jobTarget } from '../../../../shared/api-schemas.ts';
import type { ShellName } from '../../../../shared/shells.ts';
import { HttpError } from './http-error.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses `body` with `schema`. Missing, null or empty required fields answer 400 with `requiredMessage`
 * (the seed's wording); any other mismatch answers 400 naming the field and what it must be.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, required: readonly string[], requiredMessage: string): z.infer<S> {
  if (!isPlainObject(body)) throw new HttpError(400, requiredMessage);
  for (const field of required) {
    const value = body[field];
    if (value === undefined || value === null || value === '') throw new HttpError(400, requiredMessage);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new HttpError(400, `Field "${field}" is invalid: ${issue.message}.`);
}

/** A query parameter as one string (Express gives arrays for repeated keys, which we refuse). */
export function queryString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `Query parameter "${name}" must be given once, as text.`);
  return value;
}

/** A whole number within [min, max] from a query or form field; `clampMax` caps instead of refusing. */
export function integerParam(value: unknown, name: string, min: number, max: number, options: { clampMax?: boolean } = {}): number | undefined {
  const text = queryString(value, name);
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new HttpError(400, `"${name}" must be a whole number between ${min} and ${max}.`);
  const n = Number(text);
  if (n > max && options.clampMax) return max;
  if (n < min || n > max) throw new HttpError(400, `"${name}" must be a whole number between ${min} and ${max}.`);
  return n;
}

/** A multipart form's `target` field: JSON text of a target (see jobTarget), or absent. */
export function targetField(value: unknown): JobTarget | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'The "target" field must be given once, as JSON text.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new HttpError(400, 'The "target" field is not valid JSON; send an object such as {"tags": ["room-b"]}.');
  }
  const result = jobTarget.safeParse(parsed);
  if (!result.success)
    throw new HttpError(400, `Invalid target: ${result.error.issues.map((i) => `${i.path.join('.') || 'target'}: ${i.message}`).join('; ')}.`);
  return result.data;
}

/** A multipart form's `artifacts` field: JSON text of an array of glob patterns, or absent. */
export function artifactsField(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'The "artifacts" field must be given once, as JSON text.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new HttpError(400, 'The "artifacts" field is not valid JSON; send an array such as ["junit.xml", "coverage/**"].');
  }
  const result = artifactPatterns.safeParse(parsed);
  if (!result.success)
    throw new HttpError(400, `Invalid artifacts: ${result.error.issues.map((i) => `${i.path.join('.') || 'artifacts'}: ${i.message}`).join('; ')}.`);
  return result.data;
}

/** A multipart form's `shell` field: one of SHELLS, or absent (or empty, a form's default choice): the worker's default. */
export function shellField(value: unknown): ShellName | undefined {
  if (value === undefined || value === '') return undefined;
  const result = jobShell.safeParse(value);
  if (!result.success) throw new HttpError(400, `Field "shell" is invalid: ${result.error.issues[0]!.message}.`);
  return result.data;
}
