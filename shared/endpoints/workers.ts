/** The endpoint table's rows for workers: registration, heartbeats, the list, and the admin's hand on it. */
import { z } from 'zod';
import { workerDto } from '../api.ts';
import {
  goodbyeBody,
  heartbeatBody,
  pauseWorkerBody,
  policyBody,
  powerBody,
  registerBody,
  renameWorkerBody,
  replaceWorkerBody,
  revokeBody,
  wakeBody,
  workerTagsBody,
} from '../api-schemas.ts';
import { workerOrders } from '../power-schema.ts';
import { WORKER_STATUSES } from '../job-status.ts';
import { workerPolicy } from '../policy-schema.ts';
import { ok, type Endpoint } from './endpoint.ts';

const workerAnswer = ok({ worker: workerDto });

export const WORKER_ENDPOINTS = {
  postWorkersRegister: {
    method: 'post',
    path: '/api/workers/register',
    summary: 'Register a worker (seed 1)',
    who: 'join, admin or the worker itself',
    json: registerBody,
    responses: {
      200: ok({
        workerId: z.string(),
        message: z.string(),
        workerToken: z.string().optional(),
        heartbeatIntervalSeconds: z.number(),
        offlineAfterSeconds: z.number(),
      }),
    },
    refusals: ['worker_exists', 'join_token_expired', 'join_token_used_up'],
    example: { workerId: 'worker-abc123', hostname: 'lab-pc-01', os: 'win32', cpuCount: 4, version: '1.0.0' },
  },
  getWorkersRegister: {
    method: 'get',
    path: '/api/workers/register',
    summary: 'List workers (seed 3)',
    who: 'assistant',
    responses: { 200: z.object({ workers: z.array(workerDto), count: z.number() }) },
    refusals: [],
  },
  postWorkersHeartbeat: {
    method: 'post',
    path: '/api/workers/heartbeat',
    summary: 'Heartbeat (seed 2)',
    who: 'worker or admin',
    json: heartbeatBody,
    responses: {
      200: ok({
        workerId: z.string(),
        timestamp: z.number(),
        status: z.enum(WORKER_STATUSES),
        cancelJobIds: z.array(z.string()),
        policy: workerPolicy,
        /** The coordinator's public key (Ed25519, SPKI DER in base64) that a worker serving zips to its peers checks tickets with. */
        ticketKey: z.string().optional(),
        /** Magic packets to send on its network for PCs the coordinator cannot reach, and the admin's power action: each given once. */
        ...workerOrders,
      }),
    },
    refusals: ['worker_not_found'],
    example: { workerId: 'worker-abc123' },
  },
  postWorkersGoodbye: {
    method: 'post',
    path: '/api/workers/goodbye',
    summary: 'A stopping worker says so (offline at once)',
    who: 'worker',
    json: goodbyeBody,
    responses: { 200: ok({ workerId: z.string() }) },
    refusals: [],
  },
  postWorkersTags: {
    method: 'post',
    path: '/api/workers/tags',
    summary: "Set a worker's tags",
    who: 'admin',
    json: workerTagsBody,
    responses: { 200: workerAnswer },
    refusals: ['worker_not_found'],
  },
  postWorkersRename: {
    method: 'post',
    path: '/api/workers/rename',
    summary: 'The name the dashboard shows for a worker',
    who: 'admin',
    json: renameWorkerBody,
    responses: { 200: workerAnswer },
    refusals: ['worker_not_found'],
  },
  postWorkersPause: {
    method: 'post',
    path: '/api/workers/pause',
    summary: 'Pause or resume a worker',
    who: 'admin',
    json: pauseWorkerBody,
    responses: { 200: workerAnswer },
    refusals: ['worker_not_found'],
  },
  postWorkersForget: {
    method: 'post',
    path: '/api/workers/forget',
    summary: 'Remove an offline worker',
    who: 'admin',
    json: revokeBody,
    responses: { 200: ok({ workerId: z.string(), failedJobs: z.array(z.string()) }) },
    refusals: ['worker_not_found', 'worker_online'],
  },
  postWorkersReplace: {
    method: 'post',
    path: '/api/workers/replace',
    summary: 'A re-installed PC takes over an offline worker',
    who: 'admin',
    json: replaceWorkerBody,
    responses: { 200: workerAnswer },
    refusals: ['worker_not_found', 'worker_online'],
  },
  getWorkersPolicy: {
    method: 'get',
    path: '/api/workers/policy',
    summary: "The lab's policy and its overrides per tag and per worker",
    who: 'assistant',
    responses: { 200: z.object({ lab: workerPolicy, tags: z.record(z.string(), workerPolicy), workers: z.record(z.string(), workerPolicy) }) },
    refusals: [],
  },
  postWorkersPolicy: {
    method: 'post',
    path: '/api/workers/policy',
    summary: 'When workers may run jobs (the lab, a tag or one worker)',
    who: 'admin',
    json: policyBody,
    responses: { 200: ok({ scope: z.string(), policy: workerPolicy.nullable() }) },
    refusals: ['worker_not_found'],
  },
  postWorkersWake: {
    method: 'post',
    path: '/api/workers/wake',
    summary: 'Wake offline PCs (Wake-on-LAN), and wait for them to come back',
    who: 'teacher',
    json: wakeBody,
    responses: {
      200: ok({
        /** Magic packets the coordinator sent itself (one per MAC and network). */
        sent: z.number(),
        /** Magic packets handed to an online worker on a network the coordinator has no interface on. */
        relayed: z.number(),
        /** Of the chosen workers, those online when the answer was given. */
        awake: z.array(z.string()),
        /** Those still offline (a packet went out for them unless they are in noMac or unreachable). */
        stillOffline: z.array(z.string()),
        /** Offline workers that never reported a MAC address: nothing could be sent for them. */
        noMac: z.array(z.string()),
        /** Offline workers on a network with neither a coordinator interface nor an online worker: nothing was sent. */
        unreachable: z.array(z.string()),
      }),
    },
    refusals: ['worker_not_found', 'out_of_scope'],
    example: { workerIds: ['lab-pc-07'], waitSeconds: 120 },
  },
  postWorkersPower: {
    method: 'post',
    path: '/api/workers/power',
    summary: 'Shut down, restart or log off PCs (through their workers)',
    who: 'teacher',
    json: powerBody,
    responses: {
      200: ok({
        /** Told at their next heartbeat or long poll (within a second for an idle worker). */
        accepted: z.array(z.string()),
        /** Skipped without force: someone was using the PC at its last heartbeat. */
        inUse: z.array(z.string()),
        /** Offline (or revoked): nothing to tell. */
        offline: z.array(z.string()),
      }),
    },
    refusals: ['worker_not_found', 'out_of_scope'],
    example: { target: { tags: ['room-b'] }, action: 'shutdown', delaySeconds: 300 },
  },
} as const satisfies Record<string, Endpoint>;
