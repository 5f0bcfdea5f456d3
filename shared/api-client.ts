/**
 * The one typed client core for the coordinator's API, shared by the worker, the CLI and the dashboard:
 * a call names an operation of the endpoint table, its body and query are typed by the table, and its
 * answer is checked against the table's schema before anyone reads it. Each side brings only how the
 * bytes travel (fetch in the dashboard, pinned TLS in the worker and the CLI) and how refusals read.
 */
import type { z } from 'zod';
import { ENDPOINTS, type AnswerOf, type BodyOf, type Method, type OperationId, type QueryOf } from './endpoints/index.ts';

export interface ApiRequest {
  method: Method;
  /** The path with its query string. */
  path: string;
  /** A JSON body, if the operation takes one. */
  body?: unknown;
}

/** A success answer as the transport received it (a transport throws refusals in its own terms). */
export interface ApiReply {
  status: number;
  body: unknown;
}

export type CallInput<K extends OperationId> = ([BodyOf<K>] extends [never] ? { body?: undefined } : { body: BodyOf<K> }) &
  ([QueryOf<K>] extends [never] ? { query?: undefined } : { query?: QueryOf<K> });

/** The coordinator answered something the endpoint table does not allow: another version, or not a CMD Executor coordinator. */
export class UnexpectedAnswer extends Error {
  readonly status: number;
  constructor(operation: OperationId, status: number, problem: string) {
    super(
      `The coordinator's answer to ${operation} (${status}) is not what this version expects (${problem}); check that both run the same version of CMD Executor.`,
    );
    this.name = 'UnexpectedAnswer';
    this.status = status;
  }
}

/** The request for one call: method, path with its query, JSON body. */
export function requestFor<K extends OperationId>(operation: K, input: CallInput<K>): ApiRequest {
  const endpoint = ENDPOINTS[operation];
  const query = new URLSearchParams();
  const params: Record<string, string | number | boolean | undefined> = input.query ?? {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.set(name, String(value));
  }
  const text = query.toString();
  return { method: endpoint.method, path: text ? `${endpoint.path}?${text}` : endpoint.path, ...(input.body !== undefined ? { body: input.body } : {}) };
}

/** The answer, checked against the schema of its operation and status. */
export function readAnswer<K extends OperationId>(operation: K, reply: ApiReply): AnswerOf<K> {
  const schemas: Partial<Record<number, z.ZodType>> = ENDPOINTS[operation].responses;
  const schema = schemas[reply.status];
  if (!schema) throw new UnexpectedAnswer(operation, reply.status, 'a status it does not answer with');
  const parsed = schema.safeParse(reply.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnexpectedAnswer(operation, reply.status, `${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as AnswerOf<K>; // checked just above against this operation's schema for this status
}

/** One call: build the request, let `send` carry it, check the answer. */
export async function callApi<K extends OperationId, O>(
  send: (request: ApiRequest, options?: O) => Promise<ApiReply>,
  operation: K,
  input: CallInput<K>,
  options?: O,
): Promise<AnswerOf<K>> {
  return readAnswer(operation, await send(requestFor(operation, input), options));
}
