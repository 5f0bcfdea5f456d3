/** Points per test case: RE2 patterns searched in classname.name, the first match wins, refusals that say which entry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  caseId,
  compilePointRules,
  POINT_LIMITS,
  scoreCases,
  scoreReport,
  type PointEntry,
  type PointRules,
} from '../../../../electron/core/coordinator/grading/points.ts';
import { parseTestReport, type TestCase, type TestOutcome } from '../../../../electron/core/coordinator/grading/test-report.ts';

function rules(points: PointEntry[], defaultPoints?: number): PointRules {
  const compiled = compilePointRules(points, defaultPoints);
  assert.ok(compiled.ok, compiled.ok ? '' : compiled.message);
  return compiled.rules;
}

function refusal(points: unknown, defaultPoints?: number): string {
  const compiled = compilePointRules(points as PointEntry[], defaultPoints);
  assert.equal(compiled.ok, false);
  return compiled.ok ? '' : compiled.message;
}

const testCase = (classname: string, name: string, outcome: TestOutcome): TestCase => ({ classname, name, outcome, timeSeconds: null, message: null });

describe('points', () => {
  it('gives each case the points of the first rule that matches classname.name, else the default', () => {
    const cases = [
      testCase('tests.test_calc', 'test_divide', 'passed'),
      testCase('tests.test_calc', 'test_add', 'passed'),
      testCase('tests.test_db', 'test_connect', 'failed'),
      testCase('', 'standalone', 'passed'),
    ];
    const score = scoreCases(
      cases,
      rules(
        [
          { test: '^tests\\.test_calc\\.test_divide$', points: 5 },
          { test: 'test_calc', points: 2 }, // would match test_divide too: the first rule wins
          { test: '^standalone$', points: 0.5 },
        ],
        3,
      ),
    );
    assert.deepEqual(score.perCase, [
      { id: 'tests.test_calc.test_divide', points: 5, earned: 5 },
      { id: 'tests.test_calc.test_add', points: 2, earned: 2 },
      { id: 'tests.test_db.test_connect', points: 3, earned: 0 },
      { id: 'standalone', points: 0.5, earned: 0.5 },
    ]);
    assert.equal(score.points, 7.5);
    assert.equal(score.maxPoints, 10.5);
  });

  it('searches anywhere in the id (RE2 find), case-sensitively; anchors make a whole-id match', () => {
    const anywhere = rules([{ test: 'adds', points: 4 }]);
    assert.equal(scoreCases([testCase('math', 'adds_two', 'passed')], anywhere).points, 4);
    assert.equal(scoreCases([testCase('math', 'Adds', 'passed')], anywhere).points, 1, 'case-sensitive');
    const whole = rules([{ test: '^math\\.adds$', points: 4 }]);
    assert.equal(scoreCases([testCase('math', 'adds_two', 'passed')], whole).points, 1);
    assert.equal(scoreCases([testCase('math', 'adds', 'passed')], whole).points, 4);
    assert.equal(caseId({ classname: '', name: 'x' }), 'x');
    assert.equal(caseId({ classname: 'a.B', name: 'x' }), 'a.B.x');
  });

  it('earns only for passed cases; failed, error and skipped count toward the maximum', () => {
    const outcomes: TestOutcome[] = ['passed', 'failed', 'error', 'skipped'];
    const score = scoreCases(
      outcomes.map((o) => testCase('k', o, o)),
      rules([], 2),
    );
    assert.deepEqual(
      score.perCase.map((c) => c.earned),
      [2, 0, 0, 0],
    );
    assert.deepEqual([score.points, score.maxPoints], [2, 8]);
  });

  it('adds fractions as people expect (0.1 + 0.2 is 0.3)', () => {
    const score = scoreCases([testCase('', 'a', 'passed'), testCase('', 'b', 'passed')], rules([{ test: '^a$', points: 0.1 }], 0.2));
    assert.equal(score.points, 0.3);
  });

  it('refuses an invalid pattern with a sentence naming the entry, the pattern and why', () => {
    assert.equal(
      refusal([
        { test: 'ok', points: 1 },
        { test: 'test_(add', points: 2 },
      ]),
      'Point rule 2 (test "test_(add"): the pattern is not a valid regular expression (RE2 syntax): error parsing regexp: missing closing ): `test_(add`.',
    );
    assert.match(
      refusal([{ test: '^(?=lookahead)', points: 1 }]),
      /^Point rule 1 \(test "\^\(\?=lookahead\)"\): the pattern is not a valid regular expression \(RE2 syntax\)/,
    );
    assert.match(refusal([{ test: '(a)\\1', points: 1 }]), /^Point rule 1 .*RE2 syntax/, 'no backreferences in RE2');
  });

  it('refuses points that are not finite, negative or too large, and a bad default', () => {
    assert.equal(refusal([{ test: 'a', points: -1 }]), 'Point rule 1 (test "a"): points must not be negative (got -1).');
    assert.equal(refusal([{ test: 'a', points: Number.NaN }]), 'Point rule 1 (test "a"): points must be a finite number (got NaN).');
    assert.equal(refusal([{ test: 'a', points: Infinity }]), 'Point rule 1 (test "a"): points must be a finite number (got Infinity).');
    assert.equal(refusal([{ test: 'a', points: '3' }]), 'Point rule 1 (test "a"): points must be a finite number (got "3").');
    assert.equal(refusal([{ test: 'a', points: 10_001 }]), 'Point rule 1 (test "a"): points must be at most 10000 (got 10001).');
    assert.equal(refusal([], -2), 'defaultPoints must not be negative (got -2).');
    assert.equal(refusal([], Number.POSITIVE_INFINITY), 'defaultPoints must be a finite number (got Infinity).');
    assert.equal(refusal([{ test: 'a' }]), 'Point rule 1 (test "a"): points must be a finite number (got undefined).');
    assert.ok(compilePointRules([{ test: 'a', points: 0 }], 0).ok, 'zero points is allowed');
  });

  it('bounds the list and each pattern, and refuses an empty or missing pattern', () => {
    const many = Array.from({ length: POINT_LIMITS.maxRules + 1 }, (_, i) => ({ test: `t${i}`, points: 1 }));
    assert.equal(refusal(many), 'At most 200 point rules (got 201).');
    assert.ok(compilePointRules(many.slice(1)).ok);
    assert.match(refusal([{ test: 'x'.repeat(501), points: 1 }]), /^Point rule 1 \(test "x{60}…"\): its pattern is longer than 500 characters\.$/);
    assert.equal(refusal([{ test: '', points: 1 }]), 'Point rule 1: its test pattern is empty; use ".*" to mean every test.');
    assert.equal(refusal([{ points: 1 }]), 'Point rule 1: its test pattern is missing (a string such as "^math\\.adds$").');
    assert.equal(refusal([null]), 'Point rule 1: its test pattern is missing (a string such as "^math\\.adds$").');
    assert.equal(refusal('not a list'), 'points must be a list of {test, points} entries.');
    assert.match(
      refusal([
        { test: '[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}', points: 1 },
      ]),
      /too complex \(\d+ RE2 instructions, at most 10000\)/,
    );
  });

  it('scores a report with counts only at the default per test, and says so', () => {
    const report = parseTestReport('junit.xml', '<testsuite tests="10" failures="5" errors="2"/>')!;
    const score = scoreReport(report, rules([{ test: '.*', points: 9 }], 2));
    assert.deepEqual(score, {
      points: 6,
      maxPoints: 20,
      perCase: [],
      note: '10 tests have no case details (3 passed): scored at 2 points each, the default; point rules cannot match them',
    });
  });

  it('scores the listed cases by the rules and only the unlisted rest at the default', () => {
    const report = parseTestReport(
      'junit.xml',
      '<testsuites><testsuite name="s"><testcase name="hard"/><testcase name="easy"><failure/></testcase></testsuite><testsuite tests="1"/></testsuites>',
    )!;
    const score = scoreReport(report, rules([{ test: 'hard', points: 10 }]));
    assert.deepEqual([score.points, score.maxPoints], [11, 12]);
    assert.equal(score.note, '1 test has no case details (1 passed): scored at 1 point each, the default; point rules cannot match them');
    const complete = parseTestReport('a.tap', '1..2\nok 1 - x\nnot ok 2 - y')!;
    assert.deepEqual(scoreReport(complete, rules([])), { points: 1, maxPoints: 2, perCase: scoreCases(complete.cases, rules([])).perCase, note: null });
  });

  it('never earns more than the maximum, earns it all when every case passes, and sums per case (property)', () => {
    const outcome = fc.constantFrom<TestOutcome>('passed', 'failed', 'error', 'skipped');
    const name = fc.constantFrom('add', 'sub', 'mul', 'div', 'test_io', 'x');
    const aCase = fc.record({ classname: fc.constantFrom('', 'calc', 'io.Files'), name, outcome, timeSeconds: fc.constant(null), message: fc.constant(null) });
    const entry = fc.record({ test: fc.constantFrom('add', '^calc\\.', 'io', '^x$', '.*', 'd'), points: fc.integer({ min: 0, max: 100 }) });
    fc.assert(
      fc.property(fc.array(aCase, { maxLength: 40 }), fc.array(entry, { maxLength: 6 }), fc.integer({ min: 0, max: 10 }), (cases, entries, fallback) => {
        const compiled = rules(entries, fallback);
        const score = scoreCases(cases, compiled);
        assert.ok(score.points <= score.maxPoints);
        assert.equal(
          score.points,
          score.perCase.reduce((sum, c) => sum + c.earned, 0),
        );
        assert.equal(
          score.maxPoints,
          score.perCase.reduce((sum, c) => sum + c.points, 0),
        );
        const allPassed = scoreCases(
          cases.map((c) => ({ ...c, outcome: 'passed' as const })),
          compiled,
        );
        assert.equal(allPassed.points, allPassed.maxPoints);
        assert.equal(allPassed.maxPoints, score.maxPoints, 'outcomes never change what a case is worth');
      }),
      { numRuns: 300 },
    );
  });
});
