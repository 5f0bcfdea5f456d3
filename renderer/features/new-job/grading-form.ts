/**
 * What the new-job form's Grading section makes of its fields, without React: the run's grading
 * settings (test reports, points per test, default points), its students CSV (read here as text and
 * counted), its hidden tests and starter code as zips; or the sentence saying which field is wrong.
 */
import { artifactPatterns } from '../../../shared/artifact-patterns.ts';
import { GRADING_LIMITS, type GradingSettings } from '../../../shared/grading.ts';
import type { RunParts } from '../../lib/api-types.ts';

export interface PointRow {
  /** An RE2 pattern searched in "classname.name". */
  test: string;
  points: string;
}

export interface StudentsFile {
  name: string;
  text: string;
  count: number;
}

export interface GradingDraft {
  /** The test reports to read (glob patterns, separated by commas or new lines). */
  reports: string;
  tests: File | null;
  points: PointRow[];
  defaultPoints: string;
  students: StudentsFile | null;
  base: File | null;
}

export const EMPTY_GRADING: GradingDraft = { reports: '', tests: null, points: [], defaultPoints: '', students: null, base: null };

/** What the section adds to a map run: settings, students and zips; an empty section adds nothing. */
export interface GradingPlan {
  grading?: GradingSettings;
  students?: string;
  parts: RunParts;
}

/** Glob patterns as typed: separated by commas or new lines, blanks dropped. */
export function patternsOf(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The patterns as the API takes them, or why not: relative to the job's folder, without "..". */
export function readPatterns(text: string, field: string): string[] | { error: string } {
  const patterns = patternsOf(text);
  const checked = artifactPatterns.safeParse(patterns);
  if (checked.success) return patterns;
  return { error: `"${field}": ${checked.error.issues[0]?.message ?? 'not valid glob patterns'} (e.g. junit.xml or reports/*.xml).` };
}

/** Whether any grading field is filled in: then the run is a grading run. */
export function isGraded(draft: GradingDraft): boolean {
  return !!(draft.tests || draft.base || draft.reports.trim() || draft.defaultPoints.trim() || draft.points.some((r) => r.test.trim() || r.points.trim()));
}

function readPoints(rows: readonly PointRow[]): { test: string; points: number }[] | { error: string } {
  const out: { test: string; points: number }[] = [];
  for (const [i, row] of rows.entries()) {
    if (!row.test.trim() && !row.points.trim()) continue;
    const points = Number(row.points);
    if (!row.test.trim()) return { error: `Points, row ${i + 1}: name the test (a pattern such as test_sort), or remove the row.` };
    if (row.test.length > GRADING_LIMITS.maxPatternLength)
      return { error: `Points, row ${i + 1}: keep the pattern to ${GRADING_LIMITS.maxPatternLength} characters.` };
    if (!row.points.trim() || !Number.isFinite(points) || points < 0 || points > GRADING_LIMITS.maxPoints)
      return { error: `Points, row ${i + 1}: the points must be a number from 0 to ${GRADING_LIMITS.maxPoints}.` };
    out.push({ test: row.test.trim(), points });
  }
  return out;
}

/** The section as the API takes it, or the sentence saying which field is wrong. */
export function readGrading(draft: GradingDraft): GradingPlan | { error: string } {
  const parts: RunParts = { ...(draft.tests ? { tests: draft.tests } : {}), ...(draft.base ? { base: draft.base } : {}) };
  const students = draft.students ? { students: draft.students.text } : {};
  for (const [file, what] of [
    [draft.tests, 'Hidden tests'],
    [draft.base, 'Starter code'],
  ] as const)
    if (file && !/\.zip$/i.test(file.name)) return { error: `"${what}": ${file.name} is not a .zip file.` };
  if (!isGraded(draft)) return { parts, ...students };
  const report = readPatterns(draft.reports, 'Test reports');
  if ('error' in report) return report;
  const points = readPoints(draft.points);
  if ('error' in points) return points;
  const grading: GradingSettings = { ...(report.length ? { report } : {}), ...(points.length ? { points } : {}) };
  if (draft.defaultPoints.trim()) {
    const n = Number(draft.defaultPoints);
    if (!Number.isFinite(n) || n < 0 || n > GRADING_LIMITS.maxPoints)
      return { error: `"Every other test" must be a number of points from 0 to ${GRADING_LIMITS.maxPoints}.` };
    grading.defaultPoints = n;
  }
  return { grading, parts, ...students };
}

/** The students CSV read as text: its rows counted (the header and blank lines left out), or why it cannot be used. */
export async function readStudentsFile(file: File): Promise<StudentsFile | { error: string }> {
  if (file.size > GRADING_LIMITS.maxStudentsCsvBytes)
    return {
      error: `${file.name} is larger than ${GRADING_LIMITS.maxStudentsCsvBytes / 1024} KB; a students CSV needs a file, student, id and email column only.`,
    };
  const text = await file.text();
  const header = text.split(/\r?\n/, 1)[0]?.toLowerCase() ?? '';
  if (!/\b(file|zip|filename|submission)\b/.test(header) || !/\b(student|name)\b/.test(header))
    return { error: `${file.name} needs a header row naming its columns: file,student,id,email.` };
  return { name: file.name, text, count: csvRowCount(text) - 1 };
}

/** Rows of CSV text that hold something, a quoted cell's line breaks kept inside its row. */
function csvRowCount(text: string): number {
  let rows = 0;
  let quoted = false;
  let filled = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      if (filled) rows++;
      filled = false;
    } else if (ch.trim() && ch !== ',' && ch !== ';') filled = true;
  }
  return rows + (filled ? 1 : 0);
}
