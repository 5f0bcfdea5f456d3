/** One operation of the OpenAPI document from a row of the endpoint table: its id, parameters, bodies, answers and refusals with their reasons. */
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { z } from 'zod';
import { errorBody } from '../../../../shared/api.ts';
import type { Endpoint } from '../../../../shared/endpoints/index.ts';
import { REFUSALS, type RefusalReason } from '../../../../shared/refusals.ts';

const refused = { 'application/json': { schema: errorBody } };

/** What every operation may be refused with besides its own reasons. */
function commonReasons(e: Endpoint): RefusalReason[] {
  const reasons: RefusalReason[] = ['invalid_request', 'rate_limited'];
  if (e.json) reasons.push('invalid_json', 'body_too_large', 'unsupported_media_type');
  if (e.who !== 'anyone') reasons.push('unauthorized', 'forbidden');
  return reasons;
}

/** Each status the operation can refuse with, naming the reasons behind it. */
function refusals(e: Endpoint): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, RefusalReason[]>();
  for (const reason of new Set([...commonReasons(e), ...e.refusals])) byStatus.set(REFUSALS[reason], [...(byStatus.get(REFUSALS[reason]) ?? []), reason]);
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, reasons]) => [status, { description: `Refused (reason: ${reasons.join(', ')})`, content: refused }]),
  );
}

type Content = Record<string, { schema: z.ZodType }>;

/** The success answers: JSON by its schema, and any other media (a zip, CSV, a stream) as binary. */
function answers(e: Endpoint): ZodOpenApiResponsesObject {
  const byStatus = new Map<string, Content>();
  for (const [status, schema] of Object.entries<z.ZodType>(e.responses)) byStatus.set(status, { 'application/json': { schema } });
  for (const type of e.produces ?? []) byStatus.set('200', { ...byStatus.get('200'), [type]: { schema: z.string().meta({ format: 'binary' }) } });
  if (e.redirects) return { 302: { description: 'Found: the browser goes on to the Location' } };
  if (byStatus.size === 0) return { 101: { description: 'Switching Protocols: the WebSocket' } };
  return Object.fromEntries([...byStatus].map(([status, content]) => [status, { description: status === '202' ? 'Accepted: nothing yet' : 'OK', content }]));
}

function whoWords(who: Endpoint['who']): string {
  if (who === 'assistant') return 'anyone signed in (assistant, teacher, admin) or their token';
  if (who === 'teacher') return 'a teacher or an admin, or their token';
  if (who === 'admin') return 'an admin, or the admin token';
  return who;
}

export function operation(operationId: string, e: Endpoint): ZodOpenApiOperationObject {
  const content: Record<string, { schema: z.ZodType; example?: unknown }> = {};
  if (e.json) content['application/json'] = { schema: e.json, ...(e.example ? { example: e.example } : {}) };
  if (e.form) content['multipart/form-data'] = { schema: e.form };
  if (e.raw) content[e.raw] = { schema: z.string().meta({ format: 'binary' }) };
  const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return {
    operationId,
    summary: e.summary,
    description: `Who may call it: ${whoWords(e.who)}.`,
    ...(e.who === 'anyone' ? { security: [] } : {}),
    ...(e.query || pathParams.length
      ? {
          requestParams: {
            ...(e.query ? { query: e.query } : {}),
            ...(pathParams.length ? { path: z.object(Object.fromEntries(pathParams.map((p) => [p, z.string()]))) } : {}),
          },
        }
      : {}),
    ...(Object.keys(content).length ? { requestBody: { content } } : {}),
    responses: {
      ...answers(e),
      ...refusals(e),
      default: { description: 'An error: what happened and what to do', content: refused },
    },
  };
}
