/**
 * The endpoint table: every endpoint the coordinator serves, once. The coordinator registers its routes
 * from it (a route it does not hold cannot be served), the OpenAPI document is generated from it, and
 * the typed client (api-client.ts) reads request and answer types from it.
 */
import type { z } from 'zod';
import { COORDINATOR_ENDPOINTS } from './coordinator.ts';
import { JOB_ENDPOINTS } from './jobs.ts';
import { JOINING_ENDPOINTS } from './joining.ts';
import { RUN_ENDPOINTS } from './runs.ts';
import { GRADING_ENDPOINTS } from './grading.ts';
import { TEMPLATE_ENDPOINTS } from './templates.ts';
import { WORKER_ENDPOINTS } from './workers.ts';
import { WEBHOOK_ENDPOINTS } from './webhooks.ts';
import { PEOPLE_ENDPOINTS } from './people.ts';
import type { Endpoint } from './endpoint.ts';

export const ENDPOINTS = {
  ...COORDINATOR_ENDPOINTS,
  ...WORKER_ENDPOINTS,
  ...JOINING_ENDPOINTS,
  ...JOB_ENDPOINTS,
  ...RUN_ENDPOINTS,
  ...GRADING_ENDPOINTS,
  ...TEMPLATE_ENDPOINTS,
  ...WEBHOOK_ENDPOINTS,
  ...PEOPLE_ENDPOINTS,
} as const satisfies Record<string, Endpoint>;

export type OperationId = keyof typeof ENDPOINTS;
export type EndpointOf<K extends OperationId> = (typeof ENDPOINTS)[K];

/** The JSON a successful call of `K` answers with (every success status it has). */
export type AnswerOf<K extends OperationId> = {
  [S in keyof EndpointOf<K>['responses']]: EndpointOf<K>['responses'][S] extends z.ZodType ? z.output<EndpointOf<K>['responses'][S]> : never;
}[keyof EndpointOf<K>['responses']];

/** The JSON body `K` takes, if it takes one. */
export type BodyOf<K extends OperationId> = EndpointOf<K> extends { json: infer S extends z.ZodType } ? z.input<S> : never;

/** The query `K` takes, as the client gives it (numbers and text; sent as text). */
export type QueryOf<K extends OperationId> =
  EndpointOf<K> extends { query: infer S extends z.ZodType } ? { [P in keyof z.input<S>]?: string | number | boolean | undefined } : never;

export const OPERATION_IDS = Object.keys(ENDPOINTS) as OperationId[];
export type { Endpoint, Method, Who } from './endpoint.ts';
