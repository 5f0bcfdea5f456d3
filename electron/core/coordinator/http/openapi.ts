/**
 * GET /api/openapi.json: an OpenAPI 3.1 document of every endpoint. Request bodies come from the very
 * zod schemas the routes validate with (zod-openapi turns them into JSON Schema), so the document
 * cannot drift from what the code accepts; a test checks every served route is listed and every
 * listed path is served.
 */
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { z } from 'zod';
import { APP_VERSION, LIMITS } from '../../../../shared/api.ts';
import {
  cancelBody,
  createJobBody,
  createRunBody,
  failureBody,
  heartbeatBody,
  joinDecisionBody,
  joinRequestBody,
  logBody,
  pauseWorkerBody,
  policyBody,
  registerBody,
  renameWorkerBody,
  replaceWorkerBody,
  rerunBody,
  revokeBody,
  rotateJoinTokenBody,
  runIdBody,
  submitResultBody,
  workerTagsBody,
} from '../../../../shared/api-schemas.ts';
import { JOB_OUTCOMES, JOB_STATUSES } from '../../../../shared/job-status.ts';
import { operation, type Endpoint } from './openapi-operation.ts';

const id = z.string();
const seq = z.coerce.number().int();
const wait = z.coerce.number().int().min(0).max(LIMITS.maxWaitSeconds).optional();

/** Multipart fields of POST /api/execute (text, as forms carry them). */
const executeForm = z.object({
  file: z.string().meta({ format: 'binary', description: 'the project zip' }),
  commands: z.string().meta({ description: 'one command per line' }),
  mode: z.enum(['direct', 'distributed']).optional(),
  timeoutSeconds: z.string().optional(),
  maxAttempts: z.string().optional(),
  target: z.string().optional().meta({ description: 'JSON text of a target' }),
  artifacts: z.string().optional().meta({ description: 'JSON text of an array of glob patterns' }),
});

const runForm = z.object({
  file: z
    .array(z.string().meta({ format: 'binary' }))
    .optional()
    .meta({ description: 'the zips (map: up to 500; each: none or one)' }),
  mode: z.enum(['each', 'map']),
  commands: z.string(),
  target: z.string().optional(),
  artifacts: z.string().optional(),
  scorePattern: z.string().optional(),
  timeoutSeconds: z.string().optional(),
  maxAttempts: z.string().optional(),
  maxParallel: z.string().optional(),
  deadlineSeconds: z.string().optional(),
});

export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'get', path: '/api/health', summary: 'Health check', who: 'anyone', answers: '{success, service, version, auth}' },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', who: 'anyone', answers: 'OpenAPI 3.1' },
  { method: 'get', path: '/api/coordinator/info', summary: "The coordinator's version, fingerprint, addresses and join lines", who: 'admin' },
  {
    method: 'post',
    path: '/api/workers/register',
    summary: 'Register a worker (seed 1)',
    who: 'join, admin or the worker itself',
    json: registerBody,
    answers: '{success, workerId, message, workerToken}',
    example: { workerId: 'worker-abc123', hostname: 'lab-pc-01', os: 'win32', cpuCount: 4, version: '1.0.0' },
  },
  { method: 'get', path: '/api/workers/register', summary: 'List workers (seed 3)', who: 'admin', answers: '{workers, count}' },
  {
    method: 'post',
    path: '/api/workers/heartbeat',
    summary: 'Heartbeat (seed 2)',
    who: 'worker or admin',
    json: heartbeatBody,
    answers: '{success, timestamp, cancelJobIds}',
    example: { workerId: 'worker-abc123' },
  },
  { method: 'post', path: '/api/workers/goodbye', summary: 'A stopping worker says so (offline at once)', who: 'worker', json: revokeBody },
  { method: 'post', path: '/api/workers/tags', summary: "Set a worker's tags", who: 'admin', json: workerTagsBody },
  { method: 'post', path: '/api/workers/rename', summary: 'The name the dashboard shows for a worker', who: 'admin', json: renameWorkerBody },
  { method: 'post', path: '/api/workers/pause', summary: 'Pause or resume a worker', who: 'admin', json: pauseWorkerBody },
  { method: 'post', path: '/api/workers/forget', summary: 'Remove an offline worker', who: 'admin', json: revokeBody },
  { method: 'post', path: '/api/workers/replace', summary: 'A re-installed PC takes over an offline worker', who: 'admin', json: replaceWorkerBody },
  { method: 'get', path: '/api/workers/policy', summary: "The lab's policy and its overrides per tag and per worker", who: 'admin' },
  { method: 'post', path: '/api/workers/policy', summary: 'When workers may run jobs (the lab, a tag or one worker)', who: 'admin', json: policyBody },
  { method: 'post', path: '/api/workers/revoke', summary: "Revoke a worker's token", who: 'admin', json: revokeBody },
  {
    method: 'post',
    path: '/api/workers/join-requests',
    summary: 'Ask to join without a token',
    who: 'anyone',
    json: joinRequestBody,
    answers: '202 {requestId, pairingCode}',
  },
  {
    method: 'get',
    path: '/api/workers/join-requests/status',
    summary: "The admin's answer to a join request",
    who: 'anyone',
    query: z.object({ requestId: id, secret: id }),
  },
  { method: 'get', path: '/api/workers/join-requests', summary: 'PCs waiting to join', who: 'admin' },
  { method: 'post', path: '/api/workers/join-requests/approve', summary: 'Approve join requests', who: 'admin', json: joinDecisionBody },
  { method: 'post', path: '/api/workers/join-requests/refuse', summary: 'Refuse join requests', who: 'admin', json: joinDecisionBody },
  { method: 'post', path: '/api/join-token/rotate', summary: 'A new join token', who: 'admin', json: rotateJoinTokenBody },
  {
    method: 'post',
    path: '/api/jobs/create',
    summary: 'Create a job (seed 4)',
    who: 'admin',
    json: createJobBody,
    answers: '{success, jobId, message}',
    example: { command: 'npm install\nnpm test', fileUrl: '/uploads/upload-1705329400000-abc.zip', filename: 'project.zip' },
  },
  {
    method: 'get',
    path: '/api/jobs/create',
    summary: 'List jobs (seed 5); with a query, one page newest first',
    who: 'admin',
    query: z.object({
      status: z.enum(JOB_STATUSES).optional(),
      outcome: z.enum(JOB_OUTCOMES).optional(),
      limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).optional(),
      before: id.optional(),
    }),
  },
  { method: 'get', path: '/api/jobs/counts', summary: 'Jobs per outcome', who: 'admin' },
  {
    method: 'get',
    path: '/api/jobs/get-job',
    summary: 'Take the next job (seed 6); a long poll with wait',
    who: 'worker or admin',
    query: z.object({ workerId: id.optional(), wait }),
    answers: '200 {success, job} or 202 {success: false, message}',
  },
  { method: 'get', path: '/api/jobs/status', summary: 'A job with its output (seed 7)', who: 'admin', query: z.object({ jobId: id }) },
  { method: 'post', path: '/api/jobs/submit-result', summary: "Report a job's exit code (seed 8)", who: 'worker or admin', json: submitResultBody },
  { method: 'put', path: '/api/jobs/submit-result', summary: 'Report that a job could not run (seed 9)', who: 'worker or admin', json: failureBody },
  { method: 'post', path: '/api/jobs/cancel', summary: 'Cancel a job', who: 'admin', json: cancelBody },
  {
    method: 'post',
    path: '/api/jobs/logs',
    summary: "Send a running job's output chunks",
    who: 'worker or admin',
    json: logBody,
    answers: '{success, cancel, next}',
  },
  {
    method: 'get',
    path: '/api/jobs/log',
    summary: "A job's ordered log: pages, or the whole text",
    who: 'admin',
    query: z.object({
      jobId: id,
      after: seq.optional(),
      before: z.string().optional().meta({ description: 'a seq, or "end" for the tail' }),
      limit: z.coerce.number().int().min(1).max(LIMITS.maxLogPageChunks).optional(),
      format: z.enum(['json', 'text']).optional(),
    }),
  },
  {
    method: 'get',
    path: '/api/jobs/control',
    summary: 'A busy worker waits here to hear of a cancel at once',
    who: 'worker or admin',
    query: z.object({ jobId: id, workerId: id, wait }),
    answers: '{cancel}',
  },
  {
    method: 'get',
    path: '/api/jobs/artifacts',
    summary: "A job's result files (a zip), or one of them",
    who: 'admin',
    query: z.object({ jobId: id, path: z.string().optional() }),
    produces: 'application/zip',
  },
  {
    method: 'post',
    path: '/api/jobs/artifacts',
    summary: "Upload a job's result files (a zip)",
    who: 'worker',
    query: z.object({ jobId: id, workerId: id }),
    raw: 'application/zip',
  },
  {
    method: 'post',
    path: '/api/execute',
    summary: 'Upload a zip and run it on a worker or here',
    who: 'admin',
    form: executeForm,
    answers: 'distributed: {success, jobId, mode}; direct: text/event-stream',
  },
  {
    method: 'post',
    path: '/api/runs/create',
    summary: 'Create a run: one job per PC (each) or per zip (map)',
    who: 'admin',
    json: createRunBody,
    form: runForm,
    answers: '{success, runId, jobIds, count}',
  },
  {
    method: 'get',
    path: '/api/runs/create',
    summary: 'List runs, newest first',
    who: 'admin',
    query: z.object({ limit: z.coerce.number().int().optional(), before: id.optional() }),
  },
  { method: 'get', path: '/api/runs/status', summary: 'A run with its summary, jobs and groups', who: 'admin', query: z.object({ runId: id }) },
  { method: 'post', path: '/api/runs/cancel', summary: 'Cancel every job of a run', who: 'admin', json: runIdBody },
  { method: 'post', path: '/api/runs/rerun', summary: 'Run the failed (or all) jobs of a run again', who: 'admin', json: rerunBody },
  {
    method: 'get',
    path: '/api/runs/export',
    summary: "A run's jobs as CSV or JSON",
    who: 'admin',
    query: z.object({ runId: id, format: z.enum(['csv', 'json']).optional() }),
    produces: 'text/csv',
  },
  {
    method: 'get',
    path: '/api/runs/artifacts',
    summary: "Every job's result files in one zip",
    who: 'admin',
    query: z.object({ runId: id }),
    produces: 'application/zip',
  },
  {
    method: 'get',
    path: '/api/ws',
    summary: 'The live feed (WebSocket; subprotocols cmdx and cmdx-token.<token>)',
    who: 'admin',
    answers: '101 Switching Protocols',
  },
  { method: 'get', path: '/uploads/{name}', summary: "A job's zip", who: 'worker or admin', produces: 'application/zip' },
];

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const e of ENDPOINTS) paths[e.path] = { ...paths[e.path], [e.method]: operation(e) };
  cached = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'CMD Executor coordinator',
      version: APP_VERSION,
      description: "The seed's Phase 2 API plus CMD Executor's own endpoints.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // The coordinator that serves this document: each lab has its own address.
    servers: [{ url: '/', description: 'this coordinator' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  });
  return cached;
}
