/** Which reader a file gets, the size bound, and several files of one job merged. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatOf,
  mergeReports,
  parseTestReport,
  readReports,
  readTestReport,
  REPORT_LIMITS,
  type TestReport,
} from '../../../../electron/core/coordinator/grading/test-report.ts';

const JUNIT = '<testsuite name="s"><testcase classname="k" name="a"/><testcase classname="k" name="b"><failure message="no"/></testcase></testsuite>';
const TAP = '1..2\nok 1 - c\nnot ok 2 - d # TODO later\n';

describe('test reports', () => {
  it('reads .xml as JUnit and .tap as TAP whatever they hold, and other names by their first character', () => {
    assert.equal(formatOf('junit.xml', TAP), 'junit');
    assert.equal(formatOf('out/RESULTS.TAP', JUNIT), 'tap');
    assert.equal(formatOf('report', `\n  ${JUNIT}`), 'junit');
    assert.equal(formatOf('report.txt', TAP), 'tap');
    assert.equal(parseTestReport('report', JUNIT)?.format, 'junit');
    assert.equal(parseTestReport('report', TAP)?.format, 'tap');
    assert.equal(parseTestReport('junit.xml', TAP), null, 'TAP in an .xml file is malformed XML');
  });

  it('refuses a report over the size bound, counted in UTF-8 bytes, and says why', () => {
    const over = 'a'.repeat(REPORT_LIMITS.maxBytes + 1);
    assert.deepEqual(readTestReport('junit.xml', over), {
      ok: false,
      reason: 'junit.xml is larger than 8 MB and was not read (reading it would hold up the coordinator)',
    });
    const multibyte = '€'.repeat(Math.floor(REPORT_LIMITS.maxBytes / 3) + 1); // fewer characters than the bound, more bytes
    assert.ok(multibyte.length < REPORT_LIMITS.maxBytes);
    assert.equal(parseTestReport('x.tap', multibyte), null);
  });

  it('reads a report just under the bound', () => {
    const text = `1..1\nok 1 - real\n# ${'x'.repeat(REPORT_LIMITS.maxBytes - 40)}\n`;
    assert.ok(Buffer.byteLength(text) <= REPORT_LIMITS.maxBytes);
    assert.deepEqual(parseTestReport('big.tap', text)?.counts, { total: 1, passed: 1, failed: 0, skipped: 0 });
  });

  it('never throws, whatever the name and text (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('junit.xml', 'a.tap', 'report', 'TEST-x.xml'), fc.string({ maxLength: 300 }), (name, text) => {
        const read = readTestReport(name, text);
        if (read.ok) assert.ok(read.report.counts.total >= read.report.cases.length || read.report.casesMissing);
        else assert.ok(read.reason.startsWith(name));
      }),
      { numRuns: 1000 },
    );
  });

  it("merges one job's reports: cases in order, counts added, every format and note kept", () => {
    const junit = parseTestReport('TEST-k.xml', JUNIT)!;
    const tap = parseTestReport('unit.tap', TAP)!;
    const countsOnly = parseTestReport('junit.xml', '<testsuite tests="3" failures="1"/>')!;
    const merged = mergeReports([junit, tap, countsOnly])!;
    assert.deepEqual(merged.formats, ['junit', 'tap']);
    assert.deepEqual(
      merged.cases.map((c) => `${c.classname}.${c.name}:${c.outcome}`),
      ['k.a:passed', 'k.b:failed', 'unit.c:passed', 'unit.d:skipped'],
    );
    assert.deepEqual(merged.counts, { total: 7, passed: 4, failed: 2, skipped: 1 });
    assert.equal(merged.casesMissing, true);
    assert.equal(merged.note, '3 tests, 1 failed: no test case details in junit.xml');
    assert.equal(mergeReports([]), null);
    assert.deepEqual(mergeReports([junit]), { ...withoutFormat(junit), formats: ['junit'] });
  });

  it('keeps the case cap across merged files, and says how many are counted but not listed', () => {
    const many = (n: number): TestReport => parseTestReport('TEST-x.xml', `<testsuite>${'<testcase name="t"/>'.repeat(n)}</testsuite>`)!;
    const merged = mergeReports([many(6000), many(6000)])!;
    assert.equal(merged.cases.length, REPORT_LIMITS.maxCases);
    assert.equal(merged.counts.total, 12_000);
    assert.equal(merged.casesMissing, true);
    assert.equal(merged.note, 'more than 10,000 test cases in all: 2,000 are counted but not listed');
  });

  it('reads a set of files: what is a report is merged, the rest is listed with its reason', () => {
    const read = readReports([
      { fileName: 'junit.xml', text: JUNIT },
      { fileName: 'broken.xml', text: '<testsuite>' },
      { fileName: 'unit.tap', text: TAP },
      { fileName: 'notes.tap', text: 'just words' },
    ]);
    assert.deepEqual(read.report?.counts, { total: 4, passed: 2, failed: 1, skipped: 1 });
    assert.deepEqual(
      read.unread.map((u) => u.fileName),
      ['broken.xml', 'notes.tap'],
    );
    assert.match(read.unread[0]!.reason, /^broken\.xml is not well-formed XML/);
    assert.deepEqual(readReports([]), { report: null, unread: [] });
  });

  it('stops reading a set of files once they pass the total bound together', () => {
    const padded = `1..1\nok 1\n# ${'x'.repeat(REPORT_LIMITS.maxBytes - 20)}\n`;
    const files = Array.from({ length: 5 }, (_, i) => ({ fileName: `r${i}.tap`, text: padded }));
    const read = readReports(files);
    const fit = Math.floor(REPORT_LIMITS.maxTotalBytes / Buffer.byteLength(padded));
    assert.equal(read.report?.counts.total, fit);
    assert.deepEqual(
      read.unread.map((u) => u.reason),
      files.slice(fit).map((f) => `${f.fileName} was not read: the job's reports together pass 32 MB`),
    );
  });
});

function withoutFormat({ format: _format, ...rest }: TestReport): Omit<TestReport, 'format'> {
  return rest;
}
