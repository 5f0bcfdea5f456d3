/** Counts a JUnit XML report's test cases (fast-xml-parser, a maintained parser): passed, failed (failure or error) and skipped. */
import { XMLParser } from 'fast-xml-parser';
import type { TestCounts } from '../../../../shared/api.ts';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

/** null when the text is not a JUnit report. */
export function countJunit(xml: string): TestCounts | null {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch {
    return null;
  }
  const root = (doc.testsuites as Node | undefined) ?? doc;
  const suites = collectSuites(root);
  if (suites.length === 0) return null;
  const counts: TestCounts = { total: 0, passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites) {
    for (const testcase of (suite.testcase as Node[] | undefined) ?? []) {
      counts.total++;
      if (testcase.failure !== undefined || testcase.error !== undefined) counts.failed++;
      else if (testcase.skipped !== undefined) counts.skipped++;
      else counts.passed++;
    }
  }
  return counts;
}

/** Test suites at any depth (suites may nest). */
function collectSuites(node: Node, depth = 0): Node[] {
  if (depth > 20) return [];
  const suites = (node.testsuite as Node[] | undefined) ?? [];
  return suites.flatMap((suite) => [suite, ...collectSuites(suite, depth + 1)]);
}
