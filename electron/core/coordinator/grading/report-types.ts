/** What a test report says, whatever its format, and the bounds every reader keeps. */
import type { TestCounts } from '../../../../shared/api.ts';

export type TestFormat = 'junit' | 'tap';
export type TestOutcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCase {
  name: string;
  /** The suite or class; a TAP report's file name without its extension. */
  classname: string;
  outcome: TestOutcome;
  timeSeconds: number | null;
  /** A failure's or error's message, or why it was skipped (first 2 KB). */
  message: string | null;
}

export interface TestReport {
  format: TestFormat;
  /** At most REPORT_LIMITS.maxCases; counts go on past the cap. */
  cases: TestCase[];
  counts: TestCounts;
  /** counts include tests that `cases` does not list (a suite with counts only, or the cap). */
  casesMissing: boolean;
  /** What a reader should know, in words: counts without details, the cap, tests that never ran. */
  note: string | null;
}

/** A report, or a sentence saying why the text holds none. */
export type ReadResult = { ok: true; report: TestReport } | { ok: false; reason: string };

/** Several files of one job read together: cases after each other, counts added. */
export interface MergedReport extends Omit<TestReport, 'format'> {
  /** Each format that took part, once, in the order met. */
  formats: TestFormat[];
}

export const REPORT_LIMITS = {
  /** A report larger than this is not read: fast-xml-parser holds the whole tree, and 8 MB of small cases takes it about 2 s. */
  maxBytes: 8 * 1024 * 1024,
  /** All files of one job together (readReports). */
  maxTotalBytes: 32 * 1024 * 1024,
  /** Cases listed per report (and per merge): 10,000 cases with full messages stay near 20 MB. */
  maxCases: 10_000,
  maxMessageBytes: 2048,
  /** A name or classname longer than this is cut (ids must stay small enough to match patterns against). */
  maxNameBytes: 1024,
  /** XML elements nested deeper than this make the report unreadable (fast-xml-parser's maxNestedTags). */
  maxDepth: 64,
} as const;

export function emptyCounts(): TestCounts {
  return { total: 0, passed: 0, failed: 0, skipped: 0 };
}

export function addCounts(a: TestCounts, b: TestCounts): TestCounts {
  return { total: a.total + b.total, passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

/** The counts the listed cases make (errors count as failed, as in TestCounts). */
export function countCases(cases: readonly TestCase[]): TestCounts {
  const counts = emptyCounts();
  for (const testCase of cases) tally(counts, testCase.outcome);
  return counts;
}

export function tally(counts: TestCounts, outcome: TestOutcome, by = 1): void {
  counts.total += by;
  if (outcome === 'passed') counts.passed += by;
  else if (outcome === 'skipped') counts.skipped += by;
  else counts.failed += by;
}

const encoder = new TextEncoder();

/** The longest prefix of `text` that is at most `maxBytes` of UTF-8, never cutting a character in two. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text; // no UTF-16 unit takes more than 3 bytes
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes)); // stops before a character that does not fit
  return text.slice(0, read);
}

/** A message as kept: trimmed, empty as null, first maxMessageBytes. */
export function messageText(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? cutUtf8(trimmed, REPORT_LIMITS.maxMessageBytes) : null;
}

export function nameText(text: string): string {
  return cutUtf8(text.trim(), REPORT_LIMITS.maxNameBytes);
}

/** Cases up to the cap, counted all the same. */
export class CaseList {
  readonly cases: TestCase[] = [];
  readonly counts = emptyCounts();
  /** Tests counted past the cap. */
  dropped = 0;

  add(testCase: TestCase): void {
    tally(this.counts, testCase.outcome);
    if (this.cases.length < REPORT_LIMITS.maxCases) this.cases.push(testCase);
    else this.dropped++;
  }

  /** Tests counted but not listed, at once (a long plan's tests that never ran). */
  countOnly(outcome: TestOutcome, by: number): void {
    tally(this.counts, outcome, by);
    this.dropped += by;
  }

  /** The note about the cap, or null when nothing was dropped. */
  capNote(fileName: string): string | null {
    if (this.dropped === 0) return null;
    return `${fileName} lists more than ${REPORT_LIMITS.maxCases.toLocaleString('en')} test cases: the first ${REPORT_LIMITS.maxCases.toLocaleString('en')} are listed, all ${this.counts.total.toLocaleString('en')} are counted`;
  }
}

/** "10 tests, 7 failed" (and ", 2 skipped" when some were). */
export function describeCounts(counts: TestCounts): string {
  const tests = `${counts.total} ${counts.total === 1 ? 'test' : 'tests'}, ${counts.failed} failed`;
  return counts.skipped > 0 ? `${tests}, ${counts.skipped} skipped` : tests;
}

/** Notes joined into one sentence-list, null when there are none. */
export function joinNotes(notes: readonly (string | null)[]): string | null {
  const kept = notes.filter((note): note is string => !!note);
  return kept.length > 0 ? kept.join('; ') : null;
}
