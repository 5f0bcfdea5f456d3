/**
 * A small class to grade for the API test (tests/integration/grading.test.ts; the dashboard's test and docs/grading.md use grading-lab.ts): a teacher's hidden test (a shell script that
 * checks the student's sort.sh and writes junit.xml, one test case per check) and five students:
 * alice passes, bob fails two checks, carol never ends (a timeout), dave ships his own tests/run.sh
 * that fakes a pass, and erin copied alice with every variable renamed.
 */
import type { ZipItem } from './zip.ts';

/** The hidden test: runs ./sort.sh on three inputs and writes junit.xml (nothing but sh, tr and printf). */
export const HIDDEN_TESTS: ZipItem[] = [
  {
    name: 'tests/run.sh',
    content: [
      '#!/bin/sh',
      'check() {',
      '  got=$(printf "$2" | sh ./sort.sh 2>&1 | tr "\\n" " ")',
      '  if [ "$got" = "$3" ]; then echo "<testcase classname=\\"sort\\" name=\\"$1\\" time=\\"0.01\\"/>"',
      '  else echo "<testcase classname=\\"sort\\" name=\\"$1\\"><failure message=\\"expected [$3] got [$got]\\">diff</failure></testcase>"; fi',
      '}',
      '{ echo "<testsuite name=\\"sort\\">"',
      "  check empty '' ''",
      "  check numbers '3\\n1\\n2\\n' '1 2 3 '",
      "  check words 'pear\\napple\\n' 'apple pear '",
      '  echo "</testsuite>"; } > junit.xml',
      'echo "hidden tests ran"',
    ].join('\n'),
  },
];

const ALICE = `#!/bin/sh
# sort.sh: prints the lines of standard input in order, skipping empty ones
scratch_file=$(mktemp)
line_count=0
while IFS= read -r current_line; do
  if [ -n "$current_line" ]; then
    printf '%s\\n' "$current_line" >> "$scratch_file"
    line_count=$((line_count + 1))
  fi
done
if [ "$line_count" -gt 0 ]; then
  sort "$scratch_file" > "$scratch_file.sorted"
  while IFS= read -r sorted_line; do
    printf '%s\\n' "$sorted_line"
  done < "$scratch_file.sorted"
fi
rm -f "$scratch_file" "$scratch_file.sorted"
`;

/** alice's code with every name changed and the comment rewritten: a copy all the same. */
const ERIN = ALICE.replace(/scratch_file/g, 'tmp')
  .replace(/line_count/g, 'n')
  .replace(/current_line/g, 'l')
  .replace(/sorted_line/g, 'row')
  .replace('# sort.sh: prints the lines of standard input in order, skipping empty ones', '# my own sorting program');

export const STUDENTS: { file: string; items: ZipItem[] }[] = [
  { file: 'alice.zip', items: [{ name: 'sort.sh', content: ALICE }] },
  { file: 'bob.zip', items: [{ name: 'sort.sh', content: '#!/bin/sh\ncat\n' }] },
  { file: 'carol.zip', items: [{ name: 'sort.sh', content: '#!/bin/sh\nsleep 60\n' }] },
  {
    file: 'dave.zip',
    items: [
      { name: 'sort.sh', content: '#!/bin/sh\ncat\n' },
      // A file with the hidden test's name that would fake a pass: the teacher's must replace it.
      { name: 'tests/run.sh', content: '#!/bin/sh\necho \'<testsuite><testcase classname="sort" name="numbers"/></testsuite>\' > junit.xml\n' },
    ],
  },
  { file: 'erin.zip', items: [{ name: 'sort.sh', content: ERIN }] },
];

/** The students CSV: bob's display name is a formula, which no export may leave live. */
export const STUDENTS_CSV = [
  'file,student,id,email',
  'alice.zip,Alice Martin,s001,alice@school.test',
  'bob.zip,"=HYPERLINK(""http://evil.test"")",s002,bob@school.test',
  'carol.zip,Carol Ng,s003,carol@school.test',
  'dave.zip,Dave Roy,s004,dave@school.test',
  'erin,Erin Cole,s005,erin@school.test',
].join('\n');

/** Points: numbers is worth 3, words 2, anything else (empty) the default 1; 6 in all. */
export const POINTS = [
  { test: 'numbers$', points: 3 },
  { test: 'sort\\.words', points: 2 },
];
