/** The endpoint table's rows for grading a class: comments per student, a job's test cases, feedback files, similarity and a submission's file. */
import { z } from 'zod';
import { GRADING_LIMITS } from '../grading.ts';
import { id, ok, type Endpoint } from './endpoint.ts';

const testCase = z.object({
  name: z.string(),
  classname: z.string(),
  outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
  timeSeconds: z.number().nullable(),
  message: z.string().nullable(),
});

const region = z.object({ aPath: z.string(), aLines: z.tuple([z.number(), z.number()]), bPath: z.string(), bLines: z.tuple([z.number(), z.number()]) });
const similarPair = z.object({
  a: z.object({ jobId: z.string(), filename: z.string(), student: z.string() }),
  b: z.object({ jobId: z.string(), filename: z.string(), student: z.string() }),
  ratio: z.number(),
  sharedFingerprints: z.number(),
  regions: z.array(region),
});

export const GRADING_ENDPOINTS = {
  postRunsComment: {
    method: 'post',
    path: '/api/runs/comment',
    summary: "The teacher's comment for one student (a job of a run); null removes it",
    who: 'assistant',
    json: z.object({ jobId: id, comment: z.string().max(GRADING_LIMITS.maxCommentLength).nullable() }),
    responses: { 200: ok({ jobId: z.string(), comment: z.string().nullable() }) },
    refusals: ['job_not_found', 'out_of_scope'],
  },
  getJobsTests: {
    method: 'get',
    path: '/api/jobs/tests',
    summary: "A job's test cases as read from its reports (JUnit, TAP), with the points each earned in a grading run",
    who: 'assistant',
    query: z.object({ jobId: id }),
    responses: {
      200: z.object({
        jobId: z.string(),
        cases: z.array(testCase.extend({ points: z.number().nullable(), earned: z.number().nullable() })),
        counts: z.object({ total: z.number(), passed: z.number(), failed: z.number(), skipped: z.number() }).nullable(),
        note: z.string().nullable(),
      }),
    },
    refusals: ['job_not_found', 'out_of_scope'],
  },
  getRunsFeedback: {
    method: 'get',
    path: '/api/runs/feedback',
    summary: 'One Markdown file per student (verdict, points, each test, the comment, the end of the log), in one zip',
    who: 'assistant',
    query: z.object({ runId: id }),
    responses: {},
    produces: ['application/zip'],
    refusals: ['run_not_found', 'out_of_scope'],
  },
  getRunsSimilarity: {
    method: 'get',
    path: '/api/runs/similarity',
    summary: "A map run's submissions compared pair by pair (winnowed fingerprints, as MOSS); the most similar pairs first",
    who: 'assistant',
    query: z.object({ runId: id, top: z.coerce.number().int().optional() }),
    responses: {
      200: z.object({
        runId: z.string(),
        pairs: z.array(similarPair),
        skipped: z.array(z.object({ id: z.string(), path: z.string().optional(), reason: z.string() })),
        ms: z.number(),
      }),
    },
    refusals: ['run_not_found', 'out_of_scope'],
  },
  getRunsSubmissionFile: {
    method: 'get',
    path: '/api/runs/submission-file',
    summary: "One source file of a student's zip (a job's upload) as text, at most 256 KB: the similarity check's regions side by side",
    who: 'assistant',
    query: z.object({ jobId: id, path: z.string().meta({ description: 'the file inside the zip, as a similarity region names it' }) }),
    responses: { 200: z.object({ jobId: z.string(), path: z.string(), text: z.string() }) },
    refusals: ['job_not_found', 'not_found', 'too_large', 'invalid_zip', 'out_of_scope'],
  },
} as const satisfies Record<string, Endpoint>;
