/** The endpoint table's rows for jobs: create, list, take, report, cancel, their output and their result files. */
import { z } from 'zod';
import { assignedJobDto, jobDto, LIMITS, logPage } from '../api.ts';
import { cancelBody, createJobBody, failureBody, jobShell, logBody, peerSource, submitResultBody, zipSourceBody } from '../api-schemas.ts';
import { JOB_OUTCOMES, JOB_STATUSES, jobCounts } from '../job-status.ts';
import { workerOrders } from '../power-schema.ts';
import { id, ok, seq, type Endpoint } from './endpoint.ts';

const wait = z.coerce.number().int().min(0).max(LIMITS.maxWaitSeconds).optional();
// With takeNext, the worker's next job (or null: none now; it long-polls as usual).
const reported = ok({ jobId: z.string(), status: z.enum(JOB_STATUSES), message: z.string(), next: assignedJobDto.nullable().optional() });

/** Multipart fields of POST /api/execute (text, as forms carry them). */
const executeForm = z.object({
  file: z.string().meta({ format: 'binary', description: 'the project zip' }),
  commands: z.string().meta({ description: 'one command per line' }),
  mode: z.enum(['direct', 'distributed']).optional(),
  timeoutSeconds: z.string().optional(),
  maxAttempts: z.string().optional(),
  target: z.string().optional().meta({ description: 'JSON text of a target' }),
  artifacts: z.string().optional().meta({ description: 'JSON text of an array of glob patterns' }),
  shell: jobShell.optional().meta({ description: "the shell each line runs in (absent or empty: the worker's default, cmd on Windows, sh elsewhere)" }),
});

export const JOB_ENDPOINTS = {
  postJobsCreate: {
    method: 'post',
    path: '/api/jobs/create',
    summary: 'Create a job (seed 4)',
    who: 'teacher',
    json: createJobBody,
    responses: { 200: ok({ jobId: z.string(), message: z.string() }) },
    refusals: ['out_of_scope'],
    example: { command: 'npm install\nnpm test', fileUrl: '/uploads/upload-1705329400000-abc.zip', filename: 'project.zip' },
  },
  getJobsCreate: {
    method: 'get',
    path: '/api/jobs/create',
    summary: 'List jobs (seed 5); with a query, one page newest first',
    who: 'assistant',
    query: z.object({
      status: z.enum(JOB_STATUSES).optional(),
      outcome: z.enum(JOB_OUTCOMES).optional(),
      limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).optional(),
      before: id.optional(),
    }),
    // Without a query, the seed's whole list (with output); with one, a page (without it) and where to go on.
    responses: { 200: z.object({ jobs: z.array(jobDto), count: z.number(), total: z.number().optional(), nextBefore: z.string().nullable().optional() }) },
    refusals: [],
  },
  getJobsCounts: { method: 'get', path: '/api/jobs/counts', summary: 'Jobs per outcome', who: 'assistant', responses: { 200: jobCounts }, refusals: [] },
  getJobsGetJob: {
    method: 'get',
    path: '/api/jobs/get-job',
    summary: 'Take the next job (seed 6); a long poll with wait',
    who: 'worker or admin',
    query: z.object({ workerId: id.optional(), wait }),
    responses: {
      200: ok({ job: assignedJobDto }),
      // No job; a wake relay or a power action for this worker ends its long poll early and rides on this answer.
      202: z.object({ success: z.literal(false), message: z.string(), job: z.null(), ...workerOrders }),
    },
    refusals: ['worker_not_found'],
  },
  postJobsZipSource: {
    method: 'post',
    path: '/api/jobs/zip-source',
    summary: "Where a worker fetches its job's zip: the coordinator, or a peer with a ticket",
    who: 'worker',
    json: zipSourceBody,
    responses: {
      200: ok({
        source: z.enum(['coordinator', 'peer']),
        /** With `peer`: its address, the certificate to pin, a ticket for this worker, this job and this zip (a minute), the size. */
        peer: peerSource.optional(),
      }),
    },
    refusals: ['not_assigned'],
  },
  getJobsStatus: {
    method: 'get',
    path: '/api/jobs/status',
    summary: 'A job with its output (seed 7)',
    who: 'assistant',
    query: z.object({
      jobId: id,
      output: z.enum(['true', 'false']).optional().meta({ description: 'false: without stdout and stderr (read them with GET /api/jobs/log)' }),
    }),
    responses: { 200: jobDto },
    refusals: ['job_not_found', 'out_of_scope'],
  },
  postJobsSubmitResult: {
    method: 'post',
    path: '/api/jobs/submit-result',
    summary: "Report a job's exit code (seed 8)",
    who: 'worker or admin',
    json: submitResultBody,
    responses: { 200: reported },
    refusals: ['job_not_found', 'not_assigned', 'already_ended'],
  },
  putJobsSubmitResult: {
    method: 'put',
    path: '/api/jobs/submit-result',
    summary: 'Report that a job could not run (seed 9)',
    who: 'worker or admin',
    json: failureBody,
    responses: { 200: reported },
    refusals: ['job_not_found', 'not_assigned', 'already_ended'],
  },
  postJobsCancel: {
    method: 'post',
    path: '/api/jobs/cancel',
    summary: 'Cancel a job',
    who: 'teacher',
    json: cancelBody,
    responses: { 200: reported },
    refusals: ['job_not_found', 'already_ended', 'out_of_scope'],
  },
  postJobsLogs: {
    method: 'post',
    path: '/api/jobs/logs',
    summary: "Send a running job's output chunks",
    who: 'worker or admin',
    json: logBody,
    responses: { 200: ok({ cancel: z.boolean(), next: z.number() }) },
    refusals: ['job_not_found', 'not_assigned', 'already_ended', 'log_seq_ahead'],
  },
  getJobsLog: {
    method: 'get',
    path: '/api/jobs/log',
    summary: "A job's ordered log: pages, or the whole text",
    who: 'assistant',
    query: z.object({
      jobId: id,
      after: seq.optional(),
      before: z.string().optional().meta({ description: 'a seq, or "end" for the tail' }),
      limit: z.coerce.number().int().min(1).max(LIMITS.maxLogPageChunks).optional(),
      format: z.enum(['json', 'text']).optional(),
    }),
    responses: { 200: logPage },
    produces: ['text/plain'],
    refusals: ['job_not_found', 'out_of_scope'],
  },
  getJobsControl: {
    method: 'get',
    path: '/api/jobs/control',
    summary: 'A busy worker waits here to hear of a cancel at once',
    who: 'worker or admin',
    query: z.object({ jobId: id, workerId: id, wait }),
    responses: { 200: z.object({ cancel: z.boolean() }) },
    refusals: [],
  },
  getJobsArtifacts: {
    method: 'get',
    path: '/api/jobs/artifacts',
    summary: "A job's result files (a zip), or one of them",
    who: 'assistant',
    query: z.object({ jobId: id, path: z.string().optional() }),
    responses: {},
    produces: ['application/zip', 'application/octet-stream'],
    refusals: ['job_not_found', 'out_of_scope'],
  },
  postJobsArtifacts: {
    method: 'post',
    path: '/api/jobs/artifacts',
    summary: "Upload a job's result files (a zip)",
    who: 'worker',
    query: z.object({ jobId: id, workerId: id }),
    raw: 'application/zip',
    responses: { 200: ok({ jobId: z.string(), files: z.number() }) },
    refusals: ['job_not_found', 'not_assigned', 'invalid_zip', 'too_large', 'upload_in_progress', 'artifacts_quota', 'disk_full'],
  },
  postExecute: {
    method: 'post',
    path: '/api/execute',
    summary: 'Upload a zip and run it on a worker or here (direct: a text/event-stream of its output)',
    who: 'teacher',
    form: executeForm,
    responses: {
      200: ok({ jobId: z.string(), mode: z.literal('distributed'), message: z.string(), checkStatusUrl: z.string() }),
    },
    produces: ['text/event-stream'],
    refusals: ['invalid_zip', 'too_large', 'out_of_scope'],
  },
  getUploadsName: {
    method: 'get',
    path: '/uploads/{name}',
    summary: "A job's zip",
    who: 'worker or admin',
    responses: {},
    produces: ['application/zip'],
    refusals: [],
  },
} as const satisfies Record<string, Endpoint>;
