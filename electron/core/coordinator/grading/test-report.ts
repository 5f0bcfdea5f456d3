/**
 * A job's test reports read into cases and counts: JUnit XML or TAP, told apart by the file's name
 * (`.xml`, `.tap`) or else by its first character. Bounded: a report over REPORT_LIMITS.maxBytes is
 * not read, at most maxCases cases are listed (all are counted), and nothing here throws on bad input.
 */
import { readJunit } from './junit-report.ts';
import { readTap } from './tap-report.ts';
import { addCounts, emptyCounts, joinNotes, REPORT_LIMITS, type MergedReport, type ReadResult, type TestFormat, type TestReport } from './report-types.ts';

export type { MergedReport, ReadResult, TestCase, TestFormat, TestOutcome, TestReport } from './report-types.ts';
export { REPORT_LIMITS } from './report-types.ts';

/** The report in `text`, or null when it is none (malformed, too large, neither JUnit nor TAP). */
export function parseTestReport(fileName: string, text: string): TestReport | null {
  const read = readTestReport(fileName, text);
  return read.ok ? read.report : null;
}

/** Like parseTestReport, with a sentence saying why when there is no report. */
export function readTestReport(fileName: string, text: string): ReadResult {
  try {
    if (utf8Size(text) > REPORT_LIMITS.maxBytes) {
      return { ok: false, reason: `${fileName} is larger than ${mib(REPORT_LIMITS.maxBytes)} and was not read (reading it would hold up the coordinator)` };
    }
    return formatOf(fileName, text) === 'tap' ? readTap(fileName, text) : readJunit(fileName, text);
  } catch (error) {
    // A parser's bug must not become the grading run's: the file counts as unreadable.
    return { ok: false, reason: `${fileName} could not be read: ${(error as Error).message.slice(0, 200)}` };
  }
}

/** `.tap` is TAP and `.xml` JUnit; any other name goes by the text: XML starts with `<`. */
export function formatOf(fileName: string, text: string): TestFormat {
  const name = fileName.toLowerCase();
  if (name.endsWith('.tap')) return 'tap';
  if (name.endsWith('.xml')) return 'junit';
  return text.trimStart().startsWith('<') ? 'junit' : 'tap';
}

/** Several reports of one job as one: cases in order (up to maxCases), counts added, notes kept. Null for none. */
export function mergeReports(reports: readonly TestReport[]): MergedReport | null {
  if (reports.length === 0) return null;
  const formats: TestFormat[] = [];
  const cases: TestReport['cases'] = [];
  let counts = emptyCounts();
  let dropped = 0;
  for (const report of reports) {
    if (!formats.includes(report.format)) formats.push(report.format);
    const room = Math.max(0, REPORT_LIMITS.maxCases - cases.length);
    cases.push(...report.cases.slice(0, room));
    dropped += Math.max(0, report.cases.length - room);
    counts = addCounts(counts, report.counts);
  }
  const cap =
    dropped > 0
      ? `more than ${REPORT_LIMITS.maxCases.toLocaleString('en')} test cases in all: ${dropped.toLocaleString('en')} are counted but not listed`
      : null;
  return {
    formats,
    cases,
    counts,
    casesMissing: dropped > 0 || reports.some((report) => report.casesMissing),
    note: joinNotes([...reports.map((report) => report.note), cap]),
  };
}

export interface ReportFile {
  fileName: string;
  text: string;
}

export interface ReportsRead {
  /** Every file that held a report, merged; null when none did. */
  report: MergedReport | null;
  /** The files that held none, and why. */
  unread: { fileName: string; reason: string }[];
}

/** Reads each file (at most maxTotalBytes in all, in the order given) and merges what they hold. */
export function readReports(files: readonly ReportFile[]): ReportsRead {
  const reports: TestReport[] = [];
  const unread: ReportsRead['unread'] = [];
  let total = 0;
  for (const { fileName, text } of files) {
    const bytes = utf8Size(text);
    if (bytes <= REPORT_LIMITS.maxBytes && total + bytes > REPORT_LIMITS.maxTotalBytes) {
      unread.push({ fileName, reason: `${fileName} was not read: the job's reports together pass ${mib(REPORT_LIMITS.maxTotalBytes)}` });
      continue;
    }
    if (bytes <= REPORT_LIMITS.maxBytes) total += bytes;
    const read = readTestReport(fileName, text);
    if (read.ok) reports.push(read.report);
    else unread.push({ fileName, reason: read.reason });
  }
  return { report: mergeReports(reports), unread };
}

/** Bytes of UTF-8, or just "too many" without encoding a text already longer than any limit in UTF-16 units. */
function utf8Size(text: string): number {
  return text.length > REPORT_LIMITS.maxBytes ? text.length : Buffer.byteLength(text);
}

function mib(bytes: number): string {
  return `${bytes / (1024 * 1024)} MB`;
}
