/**
 * Reads a JUnit XML report (fast-xml-parser): <testsuites> or a bare <testsuite>, suites nested to
 * REPORT_LIMITS.maxDepth, each case's outcome, time and message. Entities are never expanded by the
 * parser (a DOCTYPE's entities stay as written); only the five XML ones and character references are
 * decoded, in one pass, so no input can grow while being read.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TestCounts } from '../../../../shared/api.ts';
import {
  addCounts,
  CaseList,
  describeCounts,
  emptyCounts,
  joinNotes,
  messageText,
  nameText,
  REPORT_LIMITS,
  type ReadResult,
  type TestCase,
  type TestOutcome,
  type TestReport,
} from './report-types.ts';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  parseTagValue: false,
  trimValues: false, // messages keep their inner spacing; they are trimmed once, whole
  cdataPropName: '#cdata', // CDATA is taken as written, text is entity-decoded
  maxNestedTags: REPORT_LIMITS.maxDepth,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/** Reads `xml` as JUnit; says why when it cannot. */
export function readJunit(fileName: string, xml: string): ReadResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `${fileName} is not well-formed XML (line ${valid.err.line}: ${clip(valid.err.msg)})` };
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    return { ok: false, reason: `${fileName} could not be read as XML: ${clip((error as Error).message)}` };
  }
  const root = asNode(doc.testsuites) ?? (doc.testsuite !== undefined ? doc : undefined);
  if (!root) return { ok: false, reason: `${fileName} has no <testsuites> or <testsuite> at its root` };
  const walk = { list: new CaseList(), uncovered: emptyCounts() };
  const suites = children(root, 'testsuite');
  if (suites.length > 0) for (const suite of suites) visitSuite(suite, walk);
  else {
    const counts = suiteCounts(root); // a <testsuites> holding only its totals
    if (!counts || counts.total === 0) return { ok: false, reason: `${fileName} has no test suites` };
    walk.uncovered = counts;
  }
  return { ok: true, report: junitReport(fileName, walk) };
}

interface Walk {
  list: CaseList;
  /** Counts of suites that list no cases (from their attributes). */
  uncovered: TestCounts;
}

function visitSuite(suite: Node, walk: Walk): void {
  const cases = children(suite, 'testcase');
  const nested = children(suite, 'testsuite');
  for (const testcase of cases) walk.list.add(readCase(testcase, attribute(suite, 'name')));
  for (const child of nested) visitSuite(child, walk); // depth is bounded by the parser's maxNestedTags
  if (cases.length === 0 && nested.length === 0) {
    const counts = suiteCounts(suite);
    if (counts) walk.uncovered = addCounts(walk.uncovered, counts);
  }
}

function junitReport(fileName: string, { list, uncovered }: Walk): TestReport {
  const missingNote = uncovered.total > 0 ? `${describeCounts(uncovered)}: no test case details in ${fileName}` : null;
  return {
    format: 'junit',
    cases: list.cases,
    counts: addCounts(list.counts, uncovered),
    casesMissing: uncovered.total > 0 || list.dropped > 0,
    note: joinNotes([missingNote, list.capNote(fileName)]),
  };
}

/** Failure before error before skipped: an assertion's message says most about a test. */
const VERDICTS: [element: string, outcome: TestOutcome][] = [
  ['failure', 'failed'],
  ['error', 'error'],
  ['skipped', 'skipped'],
];

function readCase(testcase: Node, suiteName: string): TestCase {
  const classname = attribute(testcase, 'classname') || suiteName; // some tools leave the class to the suite
  const found = VERDICTS.find(([element]) => testcase[element] !== undefined);
  const verdict = found ? (testcase[found[0]] as unknown[])[0] : undefined;
  return {
    name: nameText(attribute(testcase, 'name')),
    classname: nameText(classname),
    outcome: found ? found[1] : 'passed',
    timeSeconds: seconds(attribute(testcase, 'time')),
    message: verdict === undefined ? null : verdictMessage(verdict),
  };
}

/** The message attribute, then the element's text when it adds something. */
function verdictMessage(element: unknown): string | null {
  const node = asNode(element);
  const said = node ? attribute(node, 'message').trim() : '';
  const text = elementText(element).trim();
  if (!said || !text || text.startsWith(said)) return messageText(text || said);
  return messageText(`${said}\n${text}`);
}

/** A suite's own totals (tests, failures, errors, skipped), or null without a usable `tests`. */
function suiteCounts(suite: Node): TestCounts | null {
  const tests = count(attribute(suite, 'tests'));
  if (tests === null) return null;
  const failed = (count(attribute(suite, 'failures')) ?? 0) + (count(attribute(suite, 'errors')) ?? 0);
  const skipped = count(attribute(suite, 'skipped')) ?? 0;
  const total = Math.max(tests, failed + skipped);
  return { total, passed: total - failed - skipped, failed, skipped };
}

function count(value: string): number | null {
  return /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : null;
}

function seconds(value: string): number | null {
  const time = value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(time) && time >= 0 ? time : null;
}

function asNode(value: unknown): Node | undefined {
  if (typeof value === 'string') return {}; // an element without attributes (empty, or text only)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function children(node: Node, name: string): Node[] {
  const value = node[name];
  return Array.isArray(value) ? value.map((child) => asNode(child) ?? {}) : [];
}

function attribute(node: Node, name: string): string {
  const value = node[`@_${name}`];
  return typeof value === 'string' ? decodeXml(value) : '';
}

/** Text and CDATA of an element, however the parser shaped it. */
function elementText(element: unknown): string {
  if (typeof element === 'string') return decodeXml(element);
  const node = asNode(element);
  if (!node) return '';
  const text = typeof node['#text'] === 'string' ? decodeXml(node['#text']) : '';
  const cdata = ([] as unknown[]).concat(node['#cdata'] ?? []).filter((part): part is string => typeof part === 'string');
  return text + cdata.join('');
}

/** The parser's own words, which may quote the input at length. */
function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The predefined entities and character references, one pass (never recursive); anything else stays as written. */
function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(lt|gt|amp|quot|apos));/g, (whole, hex?: string, decimal?: string, name?: string) => {
    if (name) return NAMED[name]!;
    const code = hex ? parseInt(hex, 16) : Number(decimal);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : whole;
  });
}
