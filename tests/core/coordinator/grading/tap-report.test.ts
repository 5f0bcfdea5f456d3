/** TAP read into cases: plan, SKIP/TODO, YAML diagnostics, subtests, missing tests, Bail out!, nonsense. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTestReport, readTestReport, REPORT_LIMITS, type TestReport } from '../../../../electron/core/coordinator/grading/test-report.ts';

function tap(text: string, fileName = 'results.tap'): TestReport {
  const read = readTestReport(fileName, text);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  return read.report;
}

/** `node --test --test-reporter=tap` (Node 22): subtests indented by 4, YAML by 2, summary comments at the end. */
const NODE_TEST = `TAP version 13
# Subtest: math
    # Subtest: adds
    ok 1 - adds
      ---
      duration_ms: 0.512
      ...
    # Subtest: subtracts
    not ok 2 - subtracts
      ---
      duration_ms: 0.3
      error: 'a subtest failure: only the parent line counts'
      ...
    1..2
not ok 1 - math
  ---
  duration_ms: 1.87
  type: 'suite'
  location: '/home/student/proj/test/calc.test.js:3:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: divides
not ok 2 - divides
  ---
  duration_ms: 0.9
  location: '/home/student/proj/test/calc.test.js:10:1'
  failureType: 'testCodeFailure'
  error: |-
    Expected values to be strictly equal:

    0.5 !== 2

  code: 'ERR_ASSERTION'
  expected: 2
  actual: 0.5
  operator: 'strictEqual'
  stack: |-
    TestContext.<anonymous> (file:///home/student/proj/test/calc.test.js:11:10)
  ...
# Subtest: network
ok 3 - network # SKIP no network in the lab
  ---
  duration_ms: 0.1
  ...
1..3
# tests 4
# suites 0
# pass 1
# fail 2
# cancelled 0
# skipped 1
# todo 0
# duration_ms 41.2
`;

describe('TAP reports', () => {
  it("reads node:test's TAP: top-level summary lines only, error messages and durations from YAML, SKIP", () => {
    const report = tap(NODE_TEST, 'reports/calc.tap');
    assert.equal(report.format, 'tap');
    assert.deepEqual(report.counts, { total: 3, passed: 0, failed: 2, skipped: 1 });
    assert.deepEqual(report.cases, [
      { name: 'math', classname: 'calc', outcome: 'failed', timeSeconds: 0.00187, message: '1 subtest failed' },
      { name: 'divides', classname: 'calc', outcome: 'failed', timeSeconds: 0.0009, message: 'Expected values to be strictly equal:\n\n0.5 !== 2' },
      { name: 'network', classname: 'calc', outcome: 'skipped', timeSeconds: 0.0001, message: 'no network in the lab' },
    ]);
    assert.equal(report.note, null);
    assert.equal(report.casesMissing, false);
  });

  it('reads TAP 12 (plan first, no version, no numbers on some lines) and TODO: a not-ok TODO is not a failure', () => {
    const report = tap(
      ['1..6', 'ok 1 - connects', 'not ok 2 - parses dates # TODO time zones', 'ok 3 - sorts # todo (passes already)', 'ok', 'not ok', 'ok 6 # skip'].join(
        '\n',
      ),
      'legacy.t.tap',
    );
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.classname, c.outcome, c.message]),
      [
        ['connects', 'legacy.t', 'passed', null],
        ['parses dates', 'legacy.t', 'skipped', 'TODO time zones'],
        ['sorts', 'legacy.t', 'passed', null],
        ['test 4', 'legacy.t', 'passed', null],
        ['test 5', 'legacy.t', 'failed', null],
        ['test 6', 'legacy.t', 'skipped', null],
      ],
    );
    assert.deepEqual(report.counts, { total: 6, passed: 3, failed: 1, skipped: 2 });
  });

  it('reads YAML messages: message before error, quoted and folded forms, an unclosed block, and the whole block when no message key', () => {
    const report = tap(
      [
        'TAP version 14',
        'not ok 1 - quoted',
        '  ---',
        '  error: "second"',
        '  message: "line one\\nline \\"two\\""',
        '  ...',
        'not ok 2 - folded',
        '  ---',
        '  message: >-',
        '    folded',
        '    together',
        '  ...',
        'not ok 3 - node-tap style',
        '  ---',
        '  found: 1',
        '  wanted: 2',
        '  at:',
        '    file: test/x.js',
        '  ...',
        'not ok 4 - unclosed',
        '  ---',
        "  message: 'it''s broken'",
        'ok 5 - after the unclosed block',
        '1..5',
      ].join('\n'),
    );
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.outcome, c.message]),
      [
        ['quoted', 'failed', 'line one\nline "two"'],
        ['folded', 'failed', 'folded together'],
        ['node-tap style', 'failed', 'found: 1\nwanted: 2\nat:\n  file: test/x.js'],
        ['unclosed', 'failed', "it's broken"],
        ['after the unclosed block', 'passed', null],
      ],
    );
  });

  it('cuts a YAML message to 2 KB on a character boundary', () => {
    const long = 'ü'.repeat(3000);
    const message = tap(`not ok 1 - long\n  ---\n  message: ${long}\n  ...\n1..1`).cases[0]!.message!;
    assert.equal(Buffer.byteLength(message), 2048);
    assert.ok(long.startsWith(message));
  });

  it('counts tests missing from the plan as failed cases, with a note', () => {
    const report = tap('TAP version 13\nok 1 - a\nok 3 - c\n1..5\n');
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.outcome, c.message]),
      [
        ['a', 'passed', null],
        ['c', 'passed', null],
        ['test 2', 'failed', 'planned (1..5) but never reported'],
        ['test 4', 'failed', 'planned (1..5) but never reported'],
        ['test 5', 'failed', 'planned (1..5) but never reported'],
      ],
    );
    assert.deepEqual(report.counts, { total: 5, passed: 2, failed: 3, skipped: 0 });
    assert.equal(report.note, '3 of 5 planned tests in results.tap never reported, counted as failed');
  });

  it('stops at Bail out!: what never ran counts as failed and the note says why', () => {
    const report = tap('1..4\nok 1 - setup\nBail out! database not reachable\nok 2 - never read\n');
    assert.deepEqual(
      report.cases.map((c) => [c.name, c.outcome, c.message]),
      [
        ['setup', 'passed', null],
        ['test 2', 'failed', 'never ran: Bail out! database not reachable'],
        ['test 3', 'failed', 'never ran: Bail out! database not reachable'],
        ['test 4', 'failed', 'never ran: Bail out! database not reachable'],
      ],
    );
    assert.equal(report.note, '3 of 4 planned tests in results.tap never reported (it bailed out: database not reachable), counted as failed');

    const long = tap(`1..2\nBail out! ${'why '.repeat(5000)}`);
    assert.ok(Buffer.byteLength(long.cases[0]!.message!) < 2100 && long.note!.length < 2300, 'a long reason is cut');

    const noPlan = tap('ok 1 - setup\nBail out!');
    assert.deepEqual(noPlan.counts, { total: 1, passed: 1, failed: 0, skipped: 0 });
    assert.equal(noPlan.note, 'results.tap has no plan (1..N) (it bailed out): tests that never ran cannot be counted');
    assert.deepEqual(readTestReport('results.tap', 'TAP version 13\nBail out! no compiler'), {
      ok: false,
      reason: 'results.tap bailed out before any test (no compiler)',
    });
  });

  it('notes a missing plan, numbers outside the plan and a second plan; a 1..0 plan is an empty report', () => {
    assert.equal(tap('ok 1\nok 2').note, 'results.tap has no plan (1..N): tests that never ran cannot be counted');
    const outside = tap('1..2\nok 1\nok 2\nok 7\n1..3');
    assert.deepEqual(outside.counts, { total: 3, passed: 3, failed: 0, skipped: 0 });
    assert.equal(outside.note, "results.tap has more than one plan: the first (1..2) counts; 1 of results.tap's test numbers are outside its plan 1..2");
    const none = tap('1..0 # SKIP no database here');
    assert.deepEqual(none.counts, { total: 0, passed: 0, failed: 0, skipped: 0 });
    assert.equal(none.note, 'results.tap planned no tests (1..0 # SKIP no database here)');
  });

  it('reads descriptions: the dash, an escaped #, a # that is no directive, a TAP 14 subtest opener', () => {
    const report = tap(
      ['ok 1 - issue \\# 42 fixed', 'ok 2 - see #42 for why', 'ok 3 - group {', '    ok 1 - inner', '    1..1', '}', 'okay 4', '1..3'].join('\n'),
    );
    assert.deepEqual(
      report.cases.map((c) => c.name),
      ['issue # 42 fixed', 'see #42 for why', 'group'],
    );
  });

  it('bounds a huge plan: counts it all, lists at most maxCases, in little time', () => {
    const started = performance.now();
    const report = tap('1..999999999\nok 1 - only one ran\n');
    assert.ok(performance.now() - started < 2000);
    assert.equal(report.cases.length, REPORT_LIMITS.maxCases);
    assert.deepEqual(report.counts, { total: 999_999_999, passed: 1, failed: 999_999_998, skipped: 0 });
    assert.equal(report.casesMissing, true);
    assert.match(report.note!, /^999999998 of 999999999 planned tests in results\.tap never reported, counted as failed; results\.tap lists more than 10,000/);
  });

  it('returns null for text with no TAP in it, and never throws on anything', () => {
    for (const text of ['', 'hello\nworld', '# only a comment', '    ok 1 - indented only', 'okay', '1..x'])
      assert.equal(parseTestReport('x.tap', text), null, text);
    assert.deepEqual(readTestReport('x.tap', 'nothing'), { ok: false, reason: 'x.tap has no test lines (ok / not ok) and no plan (1..N)' });
    const piece = fc.constantFrom(
      'ok',
      'not ok',
      ' ',
      '1',
      '..',
      '#',
      'SKIP',
      'TODO',
      '\\',
      '-',
      '\n',
      '  ---\n',
      '  ...\n',
      'Bail out!',
      'message: ',
      "'",
      '"',
      '|',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const report = parseTestReport('fuzz.tap', pieces.join(''));
        if (report) assert.equal(report.counts.total, report.counts.passed + report.counts.failed + report.counts.skipped);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts what generated TAP says, case by case (property)', () => {
    const line = fc.record({
      ok: fc.boolean(),
      directive: fc.constantFrom('', ' # SKIP why', ' # TODO later'),
      name: fc.stringMatching(/^[a-z][a-z ]{0,10}$/),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.boolean(), (lines, planFirst) => {
        const body = lines.map((l, i) => `${l.ok ? 'ok' : 'not ok'} ${i + 1} - ${l.name}${l.directive}`);
        const plan = `1..${lines.length}`;
        const report = tap((planFirst ? [plan, ...body] : [...body, plan]).join('\n'));
        const expected = lines.map((l) =>
          l.directive.includes('SKIP') ? 'skipped' : l.directive.includes('TODO') ? (l.ok ? 'passed' : 'skipped') : l.ok ? 'passed' : 'failed',
        );
        assert.deepEqual(
          report.cases.map((c) => c.outcome),
          expected,
        );
        assert.deepEqual(
          report.cases.map((c) => c.name),
          lines.map((l, i) => l.name.trim() || `test ${i + 1}`),
        );
        assert.equal(report.note, null);
      }),
      { numRuns: 300 },
    );
  });
});
