/** The new-job form's Grading section as the API takes it: settings only when a field is filled, points read with a sentence per mistake, the students CSV counted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_GRADING, isGraded, patternsOf, readGrading, readStudentsFile } from '../../renderer/features/new-job/grading-form.ts';

const zip = (name: string) => new File(['PK'], name, { type: 'application/zip' });

describe('the grading section', () => {
  it('adds nothing when empty, and the students alone when only the CSV is given', () => {
    assert.deepEqual(readGrading(EMPTY_GRADING), { parts: {} });
    const students = { name: 'class.csv', text: 'file,student\na.zip,Ann\n', count: 1 };
    assert.equal(isGraded({ ...EMPTY_GRADING, students }), false, 'names students, grades nothing');
    assert.deepEqual(readGrading({ ...EMPTY_GRADING, students }), { parts: {}, students: students.text });
  });

  it('reads reports, points and default points, and sends the zips as parts', () => {
    const tests = zip('hidden.zip');
    const base = zip('starter.zip');
    const plan = readGrading({
      reports: 'junit.xml, reports/*.xml\n',
      tests,
      base,
      points: [
        { test: 'test_sorts', points: '5' },
        { test: '', points: '' },
        { test: ' test_dup ', points: '2.5' },
      ],
      defaultPoints: '1',
      students: null,
    });
    assert.deepEqual(plan, {
      grading: {
        report: ['junit.xml', 'reports/*.xml'],
        points: [
          { test: 'test_sorts', points: 5 },
          { test: 'test_dup', points: 2.5 },
        ],
        defaultPoints: 1,
      },
      parts: { tests, base },
    });
    assert.deepEqual(readGrading({ ...EMPTY_GRADING, tests }), { grading: {}, parts: { tests } }, 'hidden tests alone: the defaults');
  });

  it('says which field is wrong', () => {
    const wrong = (patch: Partial<typeof EMPTY_GRADING>) => (readGrading({ ...EMPTY_GRADING, ...patch }) as { error: string }).error;
    assert.match(wrong({ points: [{ test: '', points: '3' }] }), /^Points, row 1: name the test/);
    assert.match(wrong({ points: [{ test: 'a', points: '-1' }] }), /^Points, row 1: the points must be a number from 0 to 10000/);
    assert.match(wrong({ points: [{ test: 'a', points: '' }] }), /^Points, row 1: the points must be/);
    assert.match(wrong({ defaultPoints: 'x' }), /^"Every other test" must be a number of points/);
    assert.match(wrong({ reports: '../junit.xml' }), /^"Test reports": must be relative to the job folder/);
    assert.match(wrong({ tests: zip('hidden.tar') }), /^"Hidden tests": hidden\.tar is not a \.zip file/);
  });

  it('splits glob patterns on commas and new lines', () => {
    assert.deepEqual(patternsOf(' junit.xml,\n\nout/*.txt , '), ['junit.xml', 'out/*.txt']);
  });

  it('counts the students of a CSV (blank lines and a quoted line break too), or says what is missing', async () => {
    const csv = 'file,student,id,email\r\nalice.zip,"Martin, Alice",s1,a@x\r\n\r\nbob.zip,"Bob\nChen",s2,b@x\r\n,,,\r\ncarol.zip,Carol,s3,c@x';
    assert.deepEqual(await readStudentsFile(new File([csv], 'class.csv')), { name: 'class.csv', text: csv, count: 3 });
    assert.match(((await readStudentsFile(new File(['alice.zip,Alice\n'], 'x.csv'))) as { error: string }).error, /needs a header row naming its columns/);
    assert.match(((await readStudentsFile(new File(['x'.repeat(70_000)], 'big.csv'))) as { error: string }).error, /larger than 64 KB/);
  });
});
