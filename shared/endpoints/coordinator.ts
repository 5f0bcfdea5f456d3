/** The endpoint table's rows about the coordinator itself: health, this document, what the dashboard shows, the live feed. */
import { z } from 'zod';
import { ok, type Endpoint } from './endpoint.ts';

export const coordinatorInfo = z.object({
  version: z.string(),
  auth: z.boolean(),
  tls: z.boolean(),
  fingerprint: z.string().nullable(),
  addresses: z.array(z.string()),
  joinToken: z.string().nullable(),
  joinTokenPolicy: z.object({ expiresAt: z.number().nullable(), maxUses: z.number().nullable(), uses: z.number() }).nullable(),
  /** With the join token (joins at once) and without it (the PC asks; the admin approves). */
  joinLines: z.array(z.object({ address: z.string(), withToken: z.string(), withoutToken: z.string() })),
  waitingToJoin: z.number(),
  maxUploadBytes: z.number(),
});

export const COORDINATOR_ENDPOINTS = {
  getHealth: {
    method: 'get',
    path: '/api/health',
    summary: 'Health check',
    who: 'anyone',
    responses: { 200: ok({ service: z.literal('cmd-executor'), version: z.string(), auth: z.boolean() }) },
    refusals: [],
  },
  getOpenapiJson: {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    who: 'anyone',
    responses: { 200: z.looseObject({ openapi: z.string() }) },
    refusals: [],
  },
  getCoordinatorInfo: {
    method: 'get',
    path: '/api/coordinator/info',
    summary: "The coordinator's version, fingerprint, addresses and join lines",
    who: 'assistant',
    responses: { 200: coordinatorInfo },
    refusals: [],
  },
  getCoordinatorMetrics: {
    method: 'get',
    path: '/api/coordinator/metrics',
    summary: "The coordinator's event-loop delay (what every request waits on), memory and uptime; reset=true starts a new window",
    who: 'admin',
    query: z.object({ reset: z.enum(['true', 'false']).optional() }),
    responses: {
      200: z.object({
        eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number(), mean: z.number() }),
        since: z.string(),
        rssMb: z.number(),
        heapUsedMb: z.number(),
        uptimeSeconds: z.number(),
        /** Workers whose long poll this coordinator holds now. */
        waitingWorkers: z.number(),
        store: z.enum(['sqlite', 'postgres']),
        /** Whether this coordinator runs the campus duties (the offline sweep, schedules, webhooks, retention) now. */
        duties: z.boolean(),
      }),
    },
    refusals: [],
  },
  getWs: {
    method: 'get',
    path: '/api/ws',
    summary: 'The live feed: a WebSocket (101 Switching Protocols; subprotocols cmdx and cmdx-token.<token>)',
    who: 'assistant',
    responses: {},
    refusals: [],
  },
} as const satisfies Record<string, Endpoint>;
