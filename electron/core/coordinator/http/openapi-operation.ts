/** One operation of the OpenAPI document from a row of the endpoint table: its id, parameters, bodies, answer and refusals. */
import type { ZodOpenApiOperationObject } from 'zod-openapi';
import { z } from 'zod';

export type Who = 'admin' | 'worker' | 'worker or admin' | 'join, admin or the worker itself' | 'anyone';
export type Method = 'get' | 'post' | 'put';

export interface Endpoint {
  method: Method;
  path: string;
  summary: string;
  who: Who;
  /** A JSON body, validated by this schema. */
  json?: z.ZodType;
  /** A multipart/form-data body: its fields, described. */
  form?: z.ZodType;
  /** A raw body of this type (a zip). */
  raw?: string;
  query?: z.ZodObject;
  /** What a successful answer is; errors are always `{error, statusCode, reason}`. */
  answers?: string;
  produces?: string;
  example?: unknown;
}

/** `get /api/jobs/status` → `getJobsStatus`: unique, as method and path are. */
export function operationId(method: Method, path: string): string {
  const words = path
    .replace(/^\/api\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const errorBody = z
  .object({
    error: z.string(),
    statusCode: z.number().int(),
    reason: z.string().meta({ description: 'machine-readable and stable, e.g. rate_limited, already_ended, upload_in_progress' }),
  })
  .meta({ id: 'Error' });

const refused = { 'application/json': { schema: errorBody } };

/** The refusals an operation can answer: bad input, a missing or wrong token, and whatever else its `reason` names. */
function refusals(e: Endpoint): ZodOpenApiOperationObject['responses'] {
  return {
    ...(e.who === 'anyone' ? {} : { 401: { description: 'No token, or a wrong one (reason: unauthorized)', content: refused } }),
    ...(e.who === 'anyone' ? {} : { 403: { description: 'A token that may not do this (reason: forbidden, not_assigned)', content: refused } }),
    '4XX': { description: 'Refused: the error says what happened and what to do, `reason` names it', content: refused },
  };
}

export function operation(e: Endpoint): ZodOpenApiOperationObject {
  const content: Record<string, { schema: z.ZodType; example?: unknown }> = {};
  if (e.json) content['application/json'] = { schema: e.json, ...(e.example ? { example: e.example } : {}) };
  if (e.form) content['multipart/form-data'] = { schema: e.form };
  if (e.raw) content[e.raw] = { schema: z.string().meta({ format: 'binary' }) };
  const success = e.produces ? { [e.produces]: { schema: z.string().meta({ format: 'binary' }) } } : { 'application/json': { schema: z.looseObject({}) } };
  return {
    operationId: operationId(e.method, e.path),
    summary: e.summary,
    description: `Who may call it: ${e.who}.${e.answers ? ` Answers ${e.answers}.` : ''}`,
    ...(e.who === 'anyone' ? { security: [] } : {}),
    ...(e.query || e.path.includes('{name}')
      ? { requestParams: { ...(e.query ? { query: e.query } : {}), ...(e.path.includes('{name}') ? { path: z.object({ name: z.string() }) } : {}) } }
      : {}),
    ...(Object.keys(content).length ? { requestBody: { content } } : {}),
    responses: {
      200: { description: e.answers ?? 'OK', content: success },
      ...refusals(e),
      default: { description: 'An error: what happened and what to do', content: { 'application/json': { schema: errorBody } } },
    },
  };
}
