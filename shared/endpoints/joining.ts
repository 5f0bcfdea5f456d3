/** The endpoint table's rows for joining: asking without a token, the admin's answer, revoking, the join token. */
import { z } from 'zod';
import { joinDecisionBody, joinRequestBody, revokeBody, rotateJoinTokenBody } from '../api-schemas.ts';
import { id, ok, type Endpoint } from './endpoint.ts';

const joinRequest = z.object({
  requestId: z.string(),
  workerId: z.string(),
  hostname: z.string(),
  os: z.string().nullable(),
  address: z.string(),
  pairingCode: z.string(),
  createdAt: z.number(),
  /** Why approving it may be a mistake (an id already registered, or asked for twice), or null. */
  conflict: z.string().nullable(),
});

export const JOINING_ENDPOINTS = {
  postWorkersJoinRequests: {
    method: 'post',
    path: '/api/workers/join-requests',
    summary: 'Ask to join without a token',
    who: 'anyone',
    json: joinRequestBody,
    responses: { 202: ok({ requestId: z.string(), pairingCode: z.string(), status: z.literal('pending') }) },
    refusals: ['rate_limited', 'join_list_full'],
  },
  getWorkersJoinRequestsStatus: {
    method: 'get',
    path: '/api/workers/join-requests/status',
    summary: "The admin's answer to a join request",
    who: 'anyone',
    query: z.object({ requestId: id, secret: id }),
    responses: {
      200: z.object({
        status: z.enum(['pending', 'approved', 'refused']),
        workerId: z.string(),
        workerToken: z.string().optional(),
        fingerprint: z.string().nullable(),
      }),
    },
    refusals: [],
  },
  getWorkersJoinRequests: {
    method: 'get',
    path: '/api/workers/join-requests',
    summary: 'PCs waiting to join',
    who: 'admin',
    responses: {
      200: z.object({
        requests: z.array(joinRequest),
        count: z.number(),
        waiting: z.number(),
        flood: z.object({ requests: z.number(), addresses: z.number(), windowSeconds: z.number(), hidden: z.number() }).nullable(),
      }),
    },
    refusals: [],
  },
  postWorkersJoinRequestsApprove: {
    method: 'post',
    path: '/api/workers/join-requests/approve',
    summary: 'Approve join requests',
    who: 'admin',
    json: joinDecisionBody,
    responses: { 200: ok({ approved: z.array(z.string()), count: z.number(), skipped: z.array(z.object({ requestId: z.string(), reason: z.string() })) }) },
    refusals: [],
  },
  postWorkersJoinRequestsRefuse: {
    method: 'post',
    path: '/api/workers/join-requests/refuse',
    summary: 'Refuse join requests',
    who: 'admin',
    json: joinDecisionBody,
    responses: { 200: ok({ refused: z.array(z.string()), count: z.number() }) },
    refusals: [],
  },
  postWorkersRevoke: {
    method: 'post',
    path: '/api/workers/revoke',
    summary: "Revoke a worker's token",
    who: 'admin',
    json: revokeBody,
    responses: { 200: ok({ workerId: z.string(), message: z.string() }) },
    refusals: ['worker_not_found'],
  },
  postJoinTokenRotate: {
    method: 'post',
    path: '/api/join-token/rotate',
    summary: 'A new join token',
    who: 'admin',
    json: rotateJoinTokenBody,
    responses: { 200: ok({ joinToken: z.string(), maxUses: z.number().nullable(), expiresAt: z.number().nullable() }) },
    refusals: [],
  },
} as const satisfies Record<string, Endpoint>;
