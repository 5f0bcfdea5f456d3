/** What a row of the endpoint table says: method, path, who may call it, what it takes, what it answers, how it refuses. */
import { z } from 'zod';
import type { RefusalReason } from '../refusals.ts';
import type { PersonRole } from '../roles.ts';

/**
 * Who may call an endpoint. People by the least role that may (`assistant`: every signed-in person, `teacher`: teachers
 * and admins, `admin`: admins and the admin token); machines by their token. Required on every row, so a new endpoint
 * cannot go without a rule, and the role test (tests/roles.test.ts) is generated from it.
 */
export type Who = PersonRole | 'worker' | 'worker or admin' | 'join, admin or the worker itself' | 'anyone';
export type Method = 'get' | 'post' | 'put';

export interface Endpoint {
  method: Method;
  /** OpenAPI style: `{name}` for a path parameter. */
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
  /** Each success status it answers with, and the JSON it carries. */
  responses: Partial<Record<200 | 202, z.ZodType>>;
  /** It answers with a redirect (302) to another page, as a sign-in does. */
  redirects?: true;
  /** A success answer that is not JSON (a zip, CSV, a stream), by media type. */
  produces?: string[];
  /** The reasons it refuses with besides bad input and a missing or wrong token (their statuses: shared/refusals.ts). */
  refusals: RefusalReason[];
  example?: unknown;
}

/** Query values arrive as text. */
export const id = z.string();
export const seq = z.coerce.number().int();

/** `{success: true, ...fields}`: most answers. */
export function ok<T extends z.ZodRawShape>(shape: T) {
  return z.object({ success: z.literal(true), ...shape });
}
