/** The endpoint table's rows for runs: create (one job per PC or per zip), list, follow, cancel, re-run, export. */
import { z } from 'zod';
import { LIMITS, runDto, runStatusDto } from '../api.ts';
import { createRunBody, jobShell, renameRunBody, rerunBody, runIdBody } from '../api-schemas.ts';
import { id, ok, type Endpoint } from './endpoint.ts';

const runForm = z.object({
  name: z.string().optional().meta({ description: "what to call the run (shown everywhere, and in its files' names)" }),
  file: z
    .array(z.string().meta({ format: 'binary' }))
    .optional()
    .meta({ description: `the zips (map: up to ${LIMITS.maxRunZips}; each: none or one)` }),
  mode: z.enum(['each', 'map']),
  commands: z.string(),
  target: z.string().optional(),
  artifacts: z.string().optional(),
  scorePattern: z.string().optional(),
  timeoutSeconds: z.string().optional(),
  maxAttempts: z.string().optional(),
  maxParallel: z.string().optional(),
  deadlineSeconds: z.string().optional(),
  grading: z
    .string()
    .optional()
    .meta({ description: 'a grading run (map): its settings as JSON text ({testsUrl?, baseUrl?, points?, defaultPoints?, report?})' }),
  students: z.string().optional().meta({ description: 'a grading run: CSV text, a header row naming file, student, id, email' }),
  tests: z.string().meta({ format: 'binary' }).optional().meta({ description: "a grading run's hidden tests (a zip), unpacked over each student's folder" }),
  base: z.string().meta({ format: 'binary' }).optional().meta({ description: 'the starter code every student got (a zip), left out of the similarity check' }),
  shell: jobShell.optional().meta({ description: "the shell each job's lines run in (absent or empty: each worker's default)" }),
});

const created = ok({ runId: z.string(), jobIds: z.array(z.string()), count: z.number() });

export const RUN_ENDPOINTS = {
  postRunsCreate: {
    method: 'post',
    path: '/api/runs/create',
    summary: 'Create a run: one job per PC (each) or per zip (map)',
    who: 'teacher',
    json: createRunBody,
    form: runForm,
    responses: { 200: created },
    refusals: ['invalid_zip', 'too_large', 'out_of_scope'],
  },
  getRunsCreate: {
    method: 'get',
    path: '/api/runs/create',
    summary: 'List runs, newest first',
    who: 'assistant',
    query: z.object({ limit: z.coerce.number().int().optional(), before: id.optional() }),
    responses: { 200: z.object({ runs: z.array(runDto), count: z.number(), total: z.number(), nextBefore: z.string().nullable() }) },
    refusals: [],
  },
  getRunsStatus: {
    method: 'get',
    path: '/api/runs/status',
    summary: 'A run with its summary, jobs and groups',
    who: 'assistant',
    query: z.object({ runId: id }),
    responses: { 200: runStatusDto },
    refusals: ['run_not_found', 'out_of_scope'],
  },
  postRunsRename: {
    method: 'post',
    path: '/api/runs/rename',
    summary: 'Name a run (null: back to its description)',
    who: 'teacher',
    json: renameRunBody,
    responses: { 200: ok({ runId: z.string(), name: z.string().nullable() }) },
    refusals: ['run_not_found', 'out_of_scope'],
  },
  postRunsCancel: {
    method: 'post',
    path: '/api/runs/cancel',
    summary: 'Cancel every job of a run',
    who: 'teacher',
    json: runIdBody,
    responses: { 200: ok({ runId: z.string(), cancelled: z.number(), cancelling: z.number() }) },
    refusals: ['run_not_found', 'out_of_scope'],
  },
  postRunsRerun: {
    method: 'post',
    path: '/api/runs/rerun',
    summary: 'Run the failed (or all, or some) jobs of a run again; a grading run may get new hidden tests',
    who: 'teacher',
    json: rerunBody,
    form: z.object({
      runId: z.string(),
      only: z.enum(['failed', 'all']),
      jobIds: z.string().optional().meta({ description: 'JSON array of job ids' }),
      tests: z.string().meta({ format: 'binary' }).optional().meta({ description: 'the new hidden tests (a zip)' }),
    }),
    responses: { 200: created },
    refusals: ['run_not_found', 'nothing_to_rerun', 'out_of_scope'],
  },
  getRunsExport: {
    method: 'get',
    path: '/api/runs/export',
    summary: "A run's jobs as CSV (the default), JSON, or a gradebook for Moodle's or Canvas's grade import",
    who: 'assistant',
    query: z.object({ runId: id, format: z.enum(['csv', 'json', 'moodle', 'canvas']).optional() }),
    responses: { 200: runStatusDto },
    produces: ['text/csv'],
    refusals: ['run_not_found', 'out_of_scope'],
  },
  getRunsArtifacts: {
    method: 'get',
    path: '/api/runs/artifacts',
    summary: "Every job's result files in one zip",
    who: 'assistant',
    query: z.object({ runId: id }),
    responses: {},
    produces: ['application/zip'],
    refusals: ['run_not_found', 'out_of_scope'],
  },
} as const satisfies Record<string, Endpoint>;
