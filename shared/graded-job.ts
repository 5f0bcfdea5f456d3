/** What a graded job carries in a run's status: its student, its points and its first failing test (zod only: api.ts builds on it). */
import { z } from 'zod';

/** A student as the students CSV names them; the zip's name without `.zip` when there is no CSV row. */
export const studentDto = z.object({ student: z.string(), id: z.string().nullable(), email: z.string().nullable() });
export type StudentDto = z.infer<typeof studentDto>;

/** A graded job's first failing test, as the gradebook shows it. */
export const firstFailure = z.object({ test: z.string(), message: z.string().nullable() });

/** The grading fields of a run's job row (all null for a job that is not graded). */
export const gradedJobFields = {
  student: studentDto.nullable(),
  /** Sum over its passed test cases' points (null: no report read yet). */
  points: z.number().nullable(),
  maxPoints: z.number().nullable(),
  firstFailure: firstFailure.nullable(),
  /** What the teacher wrote for this student (feedback and exports carry it). */
  comment: z.string().nullable(),
};
