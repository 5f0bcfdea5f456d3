/** A grading run's part of POST /api/runs/create: its settings (JSON, or a JSON text field), the "tests" and "base" zips, the students CSV. */
import type { GradingSettings } from '../../../../../shared/grading.ts';
import type { RunMode } from '../../../../../shared/api.ts';
import { uploadNameFromUrl } from '../../../../../shared/uploads.ts';
import type { CoordinatorContext } from '../../context.ts';
import type { StoredUpload } from '../../files/uploads.ts';
import { gradingRecord, type GradingZip } from '../../grading/grading-run.ts';
import { parseStudentsCsv } from '../../grading/students.ts';
import type { GradingRecord } from '../../state/repositories/runs.ts';
import type { StudentDto } from '../../../../../shared/graded-job.ts';
import { HttpError } from '../http-error.ts';
import { assertFileUrl } from './jobs.ts';

/** The zip parts a grading run's multipart form may carry besides its students' zips. */
export const GRADING_PARTS = ['tests', 'base'] as const;

export interface GradingInput {
  grading: GradingRecord | null;
  students: Record<string, StudentDto> | null;
}

/** The run's grading settings and students, checked; both null for a run that is not graded. */
export function gradingInput(
  ctx: CoordinatorContext,
  body: { mode: RunMode; grading?: GradingSettings; students?: string },
  uploads: readonly StoredUpload[],
): GradingInput {
  const part = (field: string) => uploads.find((u) => u.field === field);
  const graded = body.grading !== undefined || GRADING_PARTS.some((field) => part(field));
  if (!graded && body.students === undefined) return { grading: null, students: null };
  if (body.mode !== 'map') throw new HttpError(400, 'Grading and a students CSV are for "map" runs: one job per student zip.');
  const students = body.students === undefined ? null : parseStudentsCsv(body.students);
  if (students && !students.ok) throw new HttpError(400, students.message);
  if (!graded) return { grading: null, students: students?.students ?? null };
  const settings = body.grading ?? {};
  const outcome = gradingRecord(settings, zipOf(ctx, part('tests'), settings.testsUrl, 'tests'), zipOf(ctx, part('base'), settings.baseUrl, 'base'));
  if (!outcome.ok) throw new HttpError(400, outcome.message);
  return { grading: outcome.grading, students: students?.students ?? null };
}

/** A zip sent as a part, or named by the URL of an earlier upload (its SHA-256 from the upload index). */
function zipOf(ctx: CoordinatorContext, upload: StoredUpload | undefined, fileUrl: string | undefined, what: 'tests' | 'base'): GradingZip | null {
  if (upload) return { fileUrl: upload.fileUrl, sha256: upload.sha256 };
  if (fileUrl === undefined) return null;
  const name = uploadNameFromUrl(fileUrl);
  if (!name)
    throw new HttpError(400, `The ${what} zip must be an upload to this coordinator: send it as the "${what}" part, or give the /uploads/… URL of one.`);
  assertFileUrl(ctx, fileUrl);
  return { fileUrl, sha256: ctx.uploadIndex.sha256(name) };
}

/** The multipart form's "grading" field: JSON text. */
export function gradingField(value: unknown): unknown {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'The "grading" field must be given once, as JSON text.');
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new HttpError(400, 'The "grading" field is not valid JSON; send an object such as {"points": [{"test": "test_sort", "points": 5}]}.');
  }
}
