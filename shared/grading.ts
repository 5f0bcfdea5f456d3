/**
 * A grading run's settings on the wire: the hidden tests (an uploaded zip unpacked over each student's
 * folder just before the commands), points per test, the report files to read, the students CSV;
 * and what a graded job carries back: its student, points and first failing test.
 */
import { z } from 'zod';
import { artifactPatterns } from './artifact-patterns.ts';
import { LIMITS } from './limits.ts';

/** The reports read when a grading run names none: JUnit XML (pytest, Maven, Gradle, Jest) and TAP, in any folder. */
export const DEFAULT_REPORT_GLOBS = ['**/junit.xml', '**/TEST-*.xml', '**/*.tap'] as const;

export const GRADING_LIMITS = {
  maxPointRules: 200,
  maxPatternLength: 500,
  maxPoints: 10_000,
  /** The students CSV, as text: about 500 students of 120 characters each. */
  maxStudentsCsvBytes: 64 * 1024,
  maxCommentLength: 4000,
} as const;

const fileUrl = z.string().min(1).max(LIMITS.fileUrlLength);
const points = z.number().finite().min(0).max(GRADING_LIMITS.maxPoints);

export const gradingSettings = z.object({
  /** The hidden tests: an uploaded zip (or send it as the "tests" part of the multipart form). */
  testsUrl: fileUrl.optional(),
  /** The starter code every student got: left out of the similarity check (or the "base" part). */
  baseUrl: fileUrl.optional(),
  /** Points per test case: `test` is an RE2 pattern searched in "classname.name"; the first that matches counts. */
  points: z
    .array(z.object({ test: z.string().min(1).max(GRADING_LIMITS.maxPatternLength), points }))
    .max(GRADING_LIMITS.maxPointRules)
    .optional(),
  /** What a test case no rule matches is worth (1 when absent). */
  defaultPoints: points.optional(),
  /** The test reports to read: globs relative to the job's folder (JUnit XML and TAP). */
  report: artifactPatterns.optional(),
});
export type GradingSettings = z.infer<typeof gradingSettings>;
