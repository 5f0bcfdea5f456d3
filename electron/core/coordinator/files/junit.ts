/** Counts a JUnit XML report's test cases (passed, failed: failure or error, skipped), as read by grading/test-report.ts. */
import type { TestCounts } from '../../../../shared/api.ts';
import { parseTestReport } from '../grading/test-report.ts';

/** null when the text is not a JUnit report (malformed, too large, no suites); a suite listing only its totals counts by them. */
export function countJunit(xml: string): TestCounts | null {
  return parseTestReport('junit.xml', xml)?.counts ?? null;
}
