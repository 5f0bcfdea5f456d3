/** JUnit XML read into cases: nested suites, outcomes and messages, counts-only suites, real tools' output, hostile XML. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTestReport, readTestReport, REPORT_LIMITS, type TestReport } from '../../../../electron/core/coordinator/grading/test-report.ts';

function junit(xml: string, fileName = 'junit.xml'): TestReport {
  const read = readTestReport(fileName, xml);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  return read.report;
}

/** pytest --junitxml (xunit2, pytest 8): one <testsuite> named "pytest" inside <testsuites>. */
const PYTEST = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5" time="0.084" timestamp="2024-05-02T10:15:42.123456" hostname="lab-pc-07"><testcase classname="tests.test_calc" name="test_add" time="0.001" /><testcase classname="tests.test_calc" name="test_divide" time="0.002"><failure message="assert 0.5 == 2&#10; +  where 0.5 = divide(1, 2)">def test_divide():
&gt;       assert divide(1, 2) == 2
E       assert 0.5 == 2
E        +  where 0.5 = divide(1, 2)

tests/test_calc.py:9: AssertionError</failure></testcase><testcase classname="tests.test_calc" name="test_sqrt[-1]" time="0.000"><skipped type="pytest.skip" message="negative input not supported">/home/student/proj/tests/test_calc.py:14: negative input not supported</skipped></testcase><testcase classname="tests.test_db" name="test_connect" time="0.001"><error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111] Connection refused&quot;">@pytest.fixture
    def db():
&gt;       return connect("localhost", 5432)
E       ConnectionRefusedError: [Errno 111] Connection refused

tests/test_db.py:6: ConnectionRefusedError</error></testcase><testcase classname="tests.test_calc" name="test_mul[2-3-6]" time="0.001" /></testsuite></testsuites>`;

/** Maven Surefire 3 (TEST-<class>.xml): a bare <testsuite> with properties, CDATA traces, system-out, a flaky rerun. */
const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.example.CalculatorTest" time="0.045" tests="4" errors="0" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="17.0.9"/>
    <property name="user.name" value="student"/>
  </properties>
  <testcase name="addsTwoNumbers" classname="com.example.CalculatorTest" time="0.003"/>
  <testcase name="dividesByZero" classname="com.example.CalculatorTest" time="0.012">
    <failure message="expected: &lt;Infinity&gt; but was: &lt;NaN&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <Infinity> but was: <NaN>
	at org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)
	at com.example.CalculatorTest.dividesByZero(CalculatorTest.java:22)
]]></failure>
    <system-out><![CDATA[dividing 1 by 0
]]></system-out>
  </testcase>
  <testcase name="parsesHex" classname="com.example.CalculatorTest" time="0">
    <skipped message="not implemented yet"/>
  </testcase>
  <testcase name="flakyNetwork" classname="com.example.CalculatorTest" time="0.020">
    <flakyFailure message="timeout" type="java.net.SocketTimeoutException"><![CDATA[java.net.SocketTimeoutException: timeout]]></flakyFailure>
  </testcase>
</testsuite>`;

describe('JUnit reports', () => {
  it("reads pytest's report: classnames, times, failure vs error vs skipped, entities in attributes and text", () => {
    const report = junit(PYTEST);
    assert.equal(report.format, 'junit');
    assert.deepEqual(report.counts, { total: 5, passed: 2, failed: 2, skipped: 1 });
    assert.deepEqual(
      report.cases.map((c) => [c.classname, c.name, c.outcome, c.timeSeconds]),
      [
        ['tests.test_calc', 'test_add', 'passed', 0.001],
        ['tests.test_calc', 'test_divide', 'failed', 0.002],
        ['tests.test_calc', 'test_sqrt[-1]', 'skipped', 0],
        ['tests.test_db', 'test_connect', 'error', 0.001],
        ['tests.test_calc', 'test_mul[2-3-6]', 'passed', 0.001],
      ],
    );
    const [add, divide, sqrt, connect] = report.cases;
    assert.equal(add!.message, null);
    assert.match(divide!.message!, /^assert 0\.5 == 2\n \+ {2}where 0\.5 = divide\(1, 2\)\ndef test_divide\(\):\n> {7}assert divide/);
    assert.match(divide!.message!, /tests\/test_calc\.py:9: AssertionError$/);
    assert.match(sqrt!.message!, /^negative input not supported\n\/home\/student/);
    assert.match(connect!.message!, /^failed on setup with "ConnectionRefusedError: \[Errno 111\] Connection refused"\n@pytest\.fixture/);
    assert.equal(report.casesMissing, false);
    assert.equal(report.note, null);
  });

  it("reads Maven Surefire's report: CDATA taken as written, system-out and properties ignored, a flaky rerun counts as passed", () => {
    const report = junit(SUREFIRE, 'target/surefire-reports/TEST-com.example.CalculatorTest.xml');
    assert.deepEqual(report.counts, { total: 4, passed: 2, failed: 1, skipped: 1 });
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.outcome]),
      [
        ['addsTwoNumbers', 'passed'],
        ['dividesByZero', 'failed'],
        ['parsesHex', 'skipped'],
        ['flakyNetwork', 'passed'],
      ],
    );
    const failure = report.cases[1]!.message!;
    assert.ok(failure.startsWith('expected: <Infinity> but was: <NaN>\norg.opentest4j.AssertionFailedError: expected: <Infinity> but was: <NaN>\n\tat '));
    assert.ok(failure.endsWith('(CalculatorTest.java:22)'), 'trimmed');
    assert.ok(!failure.includes('dividing 1 by 0'), 'system-out is not the message');
    assert.equal(report.cases[2]!.message, 'not implemented yet');
    assert.equal(report.cases[3]!.message, null);
  });

  it('reads suites nested at any depth, and a case without classname takes its suite name', () => {
    const deep = (depth: number): string =>
      depth === 0 ? '<testcase name="leaf"/>' : `<testsuite name="level${depth}"><testcase name="at${depth}"/>${deep(depth - 1)}</testsuite>`;
    const report = junit(`<testsuites><testsuite name="top"><testcase classname="k" name="first"/>${deep(20)}</testsuite></testsuites>`);
    assert.equal(report.counts.total, 22);
    assert.deepEqual(report.cases[0], { name: 'first', classname: 'k', outcome: 'passed', timeSeconds: null, message: null });
    assert.deepEqual([report.cases[1]!.classname, report.cases[1]!.name], ['level20', 'at20']);
    assert.deepEqual([report.cases[21]!.classname, report.cases[21]!.name], ['level1', 'leaf']);
  });

  it('refuses nesting deeper than its bound instead of recursing without end', () => {
    const depth = REPORT_LIMITS.maxDepth + 10;
    const xml = `<testsuites>${'<testsuite>'.repeat(depth)}<testcase name="x"/>${'</testsuite>'.repeat(depth)}</testsuites>`;
    const read = readTestReport('junit.xml', xml);
    assert.equal(read.ok, false);
    assert.match(read.ok ? '' : read.reason, /junit\.xml could not be read as XML: Maximum nested tags exceeded/);
    const unclosed = readTestReport('junit.xml', '<a>'.repeat(100_000)); // the validator's message quotes its whole stack
    assert.ok(!unclosed.ok && unclosed.reason.length < 300, unclosed.ok ? '' : `${unclosed.reason.length} characters`);
  });

  it('tells an error from a failure, and takes the message from the attribute, the text, or both', () => {
    const report = junit(`<testsuite name="s">
      <testcase name="attr"><failure message="only the attribute"/></testcase>
      <testcase name="text"><error>  only the text  </error></testcase>
      <testcase name="both"><failure message="short">longer trace</failure></testcase>
      <testcase name="repeat"><failure message="Boom">Boom at line 3</failure></testcase>
      <testcase name="bare"><error/></testcase>
      <testcase name="both-kinds"><error message="e"/><failure message="f"/></testcase>
    </testsuite>`);
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.outcome, c.message]),
      [
        ['attr', 'failed', 'only the attribute'],
        ['text', 'error', 'only the text'],
        ['both', 'failed', 'short\nlonger trace'],
        ['repeat', 'failed', 'Boom at line 3'],
        ['bare', 'error', null],
        ['both-kinds', 'failed', 'f'],
      ],
    );
    assert.deepEqual(report.counts, { total: 6, passed: 0, failed: 6, skipped: 0 });
  });

  it('cuts a 5 KB failure message to its first 2048 bytes of UTF-8, never inside a character', () => {
    for (const [head, unit] of [
      ['a', '€'], // 1 + 3n: 2047 bytes fit, the next € would not
      ['ab', '😀'], // a surrogate pair is one 4-byte character: never half of it
      ['', 'é'],
    ] as const) {
      const long = head + unit.repeat(Math.ceil(5000 / Buffer.byteLength(unit)));
      assert.ok(Buffer.byteLength(long) >= 5000);
      const message = junit(`<testsuite><testcase name="t"><failure message="${long}"/></testcase></testsuite>`).cases[0]!.message!;
      const bytes = Buffer.byteLength(message);
      assert.ok(bytes <= 2048 && bytes > 2048 - Buffer.byteLength(unit), `${bytes} bytes`);
      assert.ok(long.startsWith(message));
      assert.equal(Buffer.from(message).toString(), message, 'valid UTF-8 (no half character)');
      assert.ok(!/[\ud800-\udbff]$/.test(message), 'no lone high surrogate at the end');
    }
  });

  it('takes counts from suite attributes when no case is listed, and says so: never 0/0', () => {
    const only = junit('<testsuite name="build" tests="10" failures="5" errors="2" time="3.1"/>');
    assert.deepEqual(only.counts, { total: 10, passed: 3, failed: 7, skipped: 0 });
    assert.deepEqual(only.cases, []);
    assert.equal(only.casesMissing, true);
    assert.equal(only.note, '10 tests, 7 failed: no test case details in junit.xml');

    const root = junit('<testsuites tests="12" failures="1" skipped="2"></testsuites>', 'out/TEST-all.xml');
    assert.deepEqual(root.counts, { total: 12, passed: 9, failed: 1, skipped: 2 });
    assert.equal(root.note, '12 tests, 1 failed, 2 skipped: no test case details in out/TEST-all.xml');
  });

  it('adds a counts-only suite to the listed cases of the others, and notes only the part without details', () => {
    const report = junit(`<testsuites>
      <testsuite name="listed" tests="2"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>
      <testsuite name="summary" tests="1" failures="0"/>
      <testsuite name="parent" tests="99" failures="99"><testsuite name="child"><testcase name="c"/></testsuite></testsuite>
    </testsuites>`);
    assert.deepEqual(report.counts, { total: 4, passed: 3, failed: 1, skipped: 0 }, "a parent suite's totals are its children's, not added again");
    assert.equal(report.cases.length, 3);
    assert.equal(report.casesMissing, true);
    assert.equal(report.note, '1 test, 0 failed: no test case details in junit.xml');
  });

  it('keeps an empty suite as zero tests (as countJunit did), and refuses a document that is no JUnit report', () => {
    assert.deepEqual(junit('<testsuite name="empty"/>').counts, { total: 0, passed: 0, failed: 0, skipped: 0 });
    assert.deepEqual(junit('<testsuite tests="0"/>').note, null);
    for (const xml of ['<testsuites/>', '<testsuites tests="0"/>', '<html><body>404</body></html>', '<?xml version="1.0"?><results/>']) {
      assert.equal(parseTestReport('junit.xml', xml), null, xml);
    }
    assert.match((readTestReport('junit.xml', '<html/>') as { reason: string }).reason, /junit\.xml has no <testsuites> or <testsuite> at its root/);
  });

  it('returns null for malformed XML and says where, and never throws on anything', () => {
    for (const xml of [
      '',
      'not xml at all',
      '<testsuite><testcase name="a">',
      '<testsuite tests="NaN"><<testcase name="&bogus;"',
      '<testsuite><testcase name="a" name="b"/></testsuite>',
      '<testsuite><testcase name="a"/></testsuite><testsuite><testcase name="b"/></testsuite>', // two roots
      '<testsuite><__proto__/></testsuite>',
    ]) {
      assert.equal(parseTestReport('junit.xml', xml), null, xml);
    }
    assert.match(
      (readTestReport('junit.xml', '<testsuite>\n<testcase name="a">') as { reason: string }).reason,
      /^junit\.xml is not well-formed XML \(line \d+: /,
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '/', '"', '=', '&', ';', '!', '[', ' ', 'testsuite', 'testcase', 'failure', 'name', 'x') }),
        (text) => {
          const report = parseTestReport('junit.xml', text);
          if (report) assert.equal(report.counts.total, report.counts.passed + report.counts.failed + report.counts.skipped);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never expands entities: a billion laughs stays a few bytes and an external entity reads no file', () => {
    const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('');
    const started = performance.now();
    const laughs = junit(
      `<?xml version="1.0"?><!DOCTYPE lolz [${lol}]><testsuite><testcase name="&lol9;"><failure message="&lol9;">&lol9;</failure></testcase></testsuite>`,
    );
    assert.ok(performance.now() - started < 1000);
    assert.equal(laughs.cases[0]!.name, '&lol9;');
    assert.equal(laughs.cases[0]!.message, '&lol9;');

    const xxe = readTestReport(
      'junit.xml',
      '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite><testcase name="&xxe;"/></testsuite>',
    );
    assert.deepEqual(xxe, { ok: false, reason: 'junit.xml could not be read as XML: External entities are not supported' });

    // Only the predefined entities and character references are decoded, once: &amp;lt; is "&lt;", not "<".
    const decoded = junit('<testsuite><testcase name="&amp;lt; &#x41;&#66; &#0; &#xD800; &nbsp;"/></testsuite>');
    assert.equal(decoded.cases[0]!.name, '&lt; AB &#0; &#xD800; &nbsp;');
  });

  it('counts every case but lists at most REPORT_LIMITS.maxCases, with a note', () => {
    const n = REPORT_LIMITS.maxCases + 5;
    const cases = Array.from({ length: n }, (_, i) => (i % 2 ? `<testcase name="t${i}"><failure/></testcase>` : `<testcase name="t${i}"/>`)).join('');
    const report = junit(`<testsuite>${cases}</testsuite>`);
    assert.equal(report.cases.length, REPORT_LIMITS.maxCases);
    assert.deepEqual(report.counts, { total: n, passed: Math.ceil(n / 2), failed: Math.floor(n / 2), skipped: 0 });
    assert.equal(report.casesMissing, true);
    assert.equal(report.note, 'junit.xml lists more than 10,000 test cases: the first 10,000 are listed, all 10,005 are counted');
  });

  it('ignores a time that is not a non-negative number, and bounds names', () => {
    const report = junit(`<testsuite><testcase name="${'n'.repeat(5000)}" time="-1"/><testcase name="b" time="abc"/><testcase name="c" time=""/></testsuite>`);
    assert.deepEqual(
      report.cases.map((c) => c.timeSeconds),
      [null, null, null],
    );
    assert.equal(report.cases[0]!.name.length, REPORT_LIMITS.maxNameBytes);
  });

  it('counts what a generated report lists, whatever the mix of outcomes (property)', () => {
    const outcome = fc.constantFrom('passed', 'failed', 'error', 'skipped');
    fc.assert(
      fc.property(fc.array(fc.array(outcome, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (suites) => {
        const element = { passed: '', failed: '<failure/>', error: '<error message="e"/>', skipped: '<skipped/>' };
        const xml = `<testsuites>${suites.map((cases, s) => `<testsuite name="s${s}">${cases.map((o, c) => `<testcase name="c${c}">${element[o]}</testcase>`).join('')}</testsuite>`).join('')}</testsuites>`;
        const report = junit(xml);
        const all = suites.flat();
        assert.deepEqual(
          report.cases.map((c) => c.outcome),
          all,
        );
        assert.deepEqual(report.counts, {
          total: all.length,
          passed: all.filter((o) => o === 'passed').length,
          failed: all.filter((o) => o === 'failed' || o === 'error').length,
          skipped: all.filter((o) => o === 'skipped').length,
        });
      }),
      { numRuns: 200 },
    );
  });
});
