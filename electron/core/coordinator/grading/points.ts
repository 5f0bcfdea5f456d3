/**
 * Points per test case. A rule's `test` is an RE2 pattern (re2js: linear time, whatever a teacher
 * writes) searched for anywhere in the case's id, `classname.name` (just `name` without a classname),
 * like RE2's find: "adds" matches "math.adds_two"; write "^math\.adds$" for exactly one case. The
 * first rule that matches gives the case its points; a case no rule matches is worth defaultPoints.
 * A passed case earns its points; every case, skipped ones too, counts toward the maximum, so
 * skipping a hard test never raises a score.
 */
import { RE2JS } from 're2js';
import type { TestCounts } from '../../../../shared/api.ts';
import { countCases, type TestCase, type TestReport } from './report-types.ts';

export interface PointEntry {
  test: string;
  points: number;
}

export interface PointRules {
  rules: { test: string; regex: RE2JS; points: number }[];
  defaultPoints: number;
}

export const POINT_LIMITS = {
  maxRules: 200,
  maxPatternChars: 500,
  /** Per rule and per default: sums of 10,000 cases stay exact to a millionth. */
  maxPoints: 10_000,
  /** RE2 instructions: matching time grows with them, and a short pattern can make many ({1000}). */
  maxProgramSize: 10_000,
} as const;

export type CompiledRules = { ok: true; rules: PointRules } | { ok: false; message: string };

/** Checks and compiles the rules, or says in a sentence which entry cannot be used and why. */
export function compilePointRules(points: readonly PointEntry[], defaultPoints = 1): CompiledRules {
  if (!Array.isArray(points)) return { ok: false, message: 'points must be a list of {test, points} entries.' };
  if (points.length > POINT_LIMITS.maxRules) return { ok: false, message: `At most ${POINT_LIMITS.maxRules} point rules (got ${points.length}).` };
  const badDefault = pointsProblem(defaultPoints);
  if (badDefault) return { ok: false, message: `defaultPoints ${badDefault}.` };
  const rules: PointRules['rules'] = [];
  for (const [index, entry] of points.entries()) {
    const rule = compileEntry(entry);
    if (typeof rule === 'string') return { ok: false, message: `Point rule ${index + 1}${label(entry)}: ${rule}.` };
    rules.push(rule);
  }
  return { ok: true, rules: { rules, defaultPoints } };
}

/** A compiled rule, or what is wrong with the entry. */
function compileEntry(entry: unknown): PointRules['rules'][number] | string {
  const { test, points } = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<PointEntry>;
  if (typeof test !== 'string') return 'its test pattern is missing (a string such as "^math\\.adds$")';
  if (test === '') return 'its test pattern is empty; use ".*" to mean every test';
  if (test.length > POINT_LIMITS.maxPatternChars) return `its pattern is longer than ${POINT_LIMITS.maxPatternChars} characters`;
  const badPoints = pointsProblem(points);
  if (badPoints) return `points ${badPoints}`;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(test);
  } catch (error) {
    return `the pattern is not a valid regular expression (RE2 syntax): ${(error as Error).message}`;
  }
  const size = regex.programSize();
  if (size > POINT_LIMITS.maxProgramSize) return `the pattern is too complex (${size} RE2 instructions, at most ${POINT_LIMITS.maxProgramSize})`;
  return { test, regex, points: points! };
}

function pointsProblem(points: unknown): string | null {
  if (typeof points !== 'number' || !Number.isFinite(points)) return `must be a finite number (got ${shown(points)})`;
  if (points < 0) return `must not be negative (got ${points})`;
  if (points > POINT_LIMITS.maxPoints) return `must be at most ${POINT_LIMITS.maxPoints} (got ${points})`;
  return null;
}

function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)); // NaN, not JSON's null
}

function label(entry: unknown): string {
  const test = typeof entry === 'object' && entry !== null ? (entry as Partial<PointEntry>).test : undefined;
  return typeof test === 'string' && test !== '' ? ` (test ${JSON.stringify(test.length > 60 ? `${test.slice(0, 60)}…` : test)})` : '';
}

/** `classname.name`, or just `name` when the case has no classname. */
export function caseId({ classname, name }: Pick<TestCase, 'classname' | 'name'>): string {
  return classname ? `${classname}.${name}` : name;
}

/** The points of the first rule that matches the id, else the default. */
export function pointsFor(id: string, { rules, defaultPoints }: PointRules): number {
  return rules.find((rule) => rule.regex.test(id))?.points ?? defaultPoints;
}

export interface CaseScore {
  id: string;
  /** What the case is worth. */
  points: number;
  /** What it earned: its points when it passed, else 0. */
  earned: number;
}

export interface Score {
  /** Earned by passed cases. */
  points: number;
  /** Worth of every case, whatever its outcome. */
  maxPoints: number;
  perCase: CaseScore[];
}

export function scoreCases(cases: readonly TestCase[], rules: PointRules): Score {
  const perCase: CaseScore[] = [];
  let points = 0;
  let maxPoints = 0;
  for (const testCase of cases) {
    const id = caseId(testCase);
    const worth = pointsFor(id, rules);
    const earned = testCase.outcome === 'passed' ? worth : 0;
    perCase.push({ id, points: worth, earned });
    points += earned;
    maxPoints += worth;
  }
  return { points: exact(points), maxPoints: exact(maxPoints), perCase };
}

export interface ReportScore extends Score {
  /** Says how tests without case details were scored; null when every test is a listed case. */
  note: string | null;
}

/**
 * A report's score: its cases by the rules, and the tests it counts but does not list (a suite with
 * counts only, or past the cap) at defaultPoints each, since no pattern can match a name it lacks.
 */
export function scoreReport(report: Pick<TestReport, 'cases' | 'counts' | 'casesMissing'>, rules: PointRules): ReportScore {
  const score = scoreCases(report.cases, rules);
  const unlisted = report.casesMissing ? unlistedCounts(report.counts, countCases(report.cases)) : null;
  if (!unlisted || unlisted.total === 0) return { ...score, note: null };
  const each = rules.defaultPoints;
  return {
    points: exact(score.points + unlisted.passed * each),
    maxPoints: exact(score.maxPoints + unlisted.total * each),
    perCase: score.perCase,
    note: `${unlisted.total} ${unlisted.total === 1 ? 'test has' : 'tests have'} no case details (${unlisted.passed} passed): scored at ${each} ${each === 1 ? 'point' : 'points'} each, the default; point rules cannot match them`,
  };
}

function unlistedCounts(all: TestCounts, listed: TestCounts): TestCounts {
  const passed = Math.max(0, all.passed - listed.passed);
  const failed = Math.max(0, all.failed - listed.failed);
  const skipped = Math.max(0, all.skipped - listed.skipped);
  return { total: passed + failed + skipped, passed, failed, skipped };
}

/** Sums of fractions (0.1 + 0.2) shown as people expect them. */
function exact(sum: number): number {
  return Number(sum.toFixed(6));
}
