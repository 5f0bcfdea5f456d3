/**
 * A grading run's rules: its settings checked and kept (the hidden tests must be one of our uploads,
 * the point rules valid RE2), what its jobs bring back (their result files plus the reports), and a
 * job's grade from its report: counts, points, the first failing test.
 */
import { DEFAULT_REPORT_GLOBS, type GradingSettings } from '../../../../shared/grading.ts';
import type { TestCounts } from '../../../../shared/api.ts';
import type { GradingRecord } from '../state/repositories/runs.ts';
import type { JobGrade } from '../state/repositories/grades.ts';
import { compilePointRules, scoreReport } from './points.ts';
import type { MergedReport } from './test-report.ts';

/** An upload as the run's request gave it: the "tests" or "base" part, or a fileUrl of an earlier upload. */
export interface GradingZip {
  fileUrl: string;
  sha256: string | null;
}

export type GradingOutcome = { ok: true; grading: GradingRecord } | { ok: false; message: string };

/** The settings as the run keeps them, or the sentence saying what is wrong with them. */
export function gradingRecord(settings: GradingSettings, tests: GradingZip | null, base: GradingZip | null): GradingOutcome {
  const rules = compilePointRules(settings.points ?? [], settings.defaultPoints ?? 1);
  if (!rules.ok) return { ok: false, message: rules.message };
  if (tests && !tests.fileUrl.startsWith('/uploads/'))
    return {
      ok: false,
      message:
        'The hidden tests must be uploaded to this coordinator (the "tests" part, or the fileUrl of an upload): a URL elsewhere could change under the run.',
    };
  return {
    ok: true,
    grading: {
      testsUrl: tests?.fileUrl ?? null,
      testsSha256: tests?.sha256 ?? null,
      baseUrl: base?.fileUrl ?? null,
      points: settings.points ?? [],
      defaultPoints: settings.defaultPoints ?? 1,
      report: settings.report?.length ? settings.report : [...DEFAULT_REPORT_GLOBS],
    },
  };
}

/** What a grading run's jobs bring back: the run's result files and its reports, once each. */
export function gradedArtifactPatterns(artifacts: readonly string[], grading: GradingRecord | null): string[] {
  return grading ? [...new Set([...artifacts, ...grading.report])] : [...artifacts];
}

/** A job's grade from its merged report; points only for a grading run (its rules), counts for any. */
export function gradeOf(report: MergedReport, grading: GradingRecord | null): JobGrade {
  const tests: TestCounts = report.counts;
  const failing = report.cases.find((c) => c.outcome === 'failed' || c.outcome === 'error');
  const firstFailure = failing ? { test: failing.classname ? `${failing.classname}.${failing.name}` : failing.name, message: failing.message } : null;
  if (!grading) return { tests, report, points: null, maxPoints: null, firstFailure };
  const rules = compilePointRules(grading.points, grading.defaultPoints);
  // Checked when the run was made; a rule set that no longer compiles scores nothing rather than guessing.
  if (!rules.ok) return { tests, report, points: null, maxPoints: null, firstFailure };
  const score = scoreReport(report, rules.rules);
  return { tests, report: { ...report, scoreNote: score.note, perCase: score.perCase }, points: score.points, maxPoints: score.maxPoints, firstFailure };
}
