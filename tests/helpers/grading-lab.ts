/**
 * A small class to grade, the one docs/grading.md walks through: the starter code, the teacher's
 * hidden tests (a shell script that runs the student's sort.sh three times and writes junit.xml, a
 * testcase per check), a students CSV, and four students: Alice passes, Bob fails one check, Carol's
 * sort never ends (the time limit stops it), and Dave copied Bob's code (renamed, reformatted) and
 * ships his own tests/run_tests.sh that fakes a pass, which the hidden tests replace.
 */
import type { ZipItem } from './zip.ts';

/** What every student got: a sort.sh to finish, whose input reader they keep. */
export const STARTER_SORT = `#!/bin/sh
# sort.sh: read whole numbers from stdin (spaces or new lines between them)
# and print them sorted, smallest first, one per line.
read_input() {
  while read -r line; do
    for word in $line; do
      echo "$word"
    done
  done
}
`;

/** The teacher's checks: each one a <testcase> in junit.xml; the script fails when a check fails. */
export const HIDDEN_RUN_TESTS = `#!/bin/sh
# The hidden tests: each check runs the student's sort.sh once and is one testcase in junit.xml.
cases=""
failed=0
check() {
  name=$1
  input=$2
  expected=$3
  got=$(printf '%s\\n' "$input" | sh sort.sh 2>&1 | tr '\\n' ' ' | sed 's/ *$//')
  if [ "$got" = "$expected" ]; then
    cases="$cases<testcase classname=\\"sort\\" name=\\"$name\\"/>"
  else
    failed=$((failed + 1))
    cases="$cases<testcase classname=\\"sort\\" name=\\"$name\\"><failure message=\\"expected '$expected', got '$got'\\"/></testcase>"
  fi
}
check test_sorts_numbers '5 4 3 2 1' '1 2 3 4 5'
check test_duplicates '2 1 2' '1 2 2'
check test_empty_input '' ''
printf '<?xml version="1.0"?>\\n<testsuite name="sort" tests="3" failures="%s">%s</testsuite>\\n' "$failed" "$cases" > junit.xml
echo "$failed of 3 checks failed"
[ "$failed" -eq 0 ]
`;

const ALICE = `${STARTER_SORT}
# Alice: collect the numbers, then let sort(1) order them numerically.
numbers=$(read_input)
if [ -z "$numbers" ]; then
  exit 0
fi
printf '%s\\n' "$numbers" | sort -n
`;

const BOB = `${STARTER_SORT}
# Bob: bubble the larger number of each neighbouring pair towards the end.
set -- $(read_input)
result=""
prev=""
for n in "$@"; do
  if [ -z "$prev" ]; then
    prev=$n
  elif [ "$prev" -gt "$n" ]; then
    result="$result $n"
  else
    result="$result $prev"
    prev=$n
  fi
done
if [ -n "$prev" ]; then
  result="$result $prev"
fi
for n in $result; do
  echo "$n"
done
`;

/** Bob's code with other names and comments: the copy the similarity check should find. */
const DAVE = `${STARTER_SORT}
# My own sort, written by Dave.
set -- $(read_input)
out=""
last=""
for x in "$@"; do
  if [ -z "$last" ]; then
    last=$x
  elif [ "$last" -gt "$x" ]; then
    out="$out $x"
  else
    out="$out $last"
    last=$x
  fi
done
if [ -n "$last" ]; then
  out="$out $last"
fi
for x in $out; do
  echo "$x"
done
`;

/** A selection sort that never takes the smallest number out: it waits forever (a second at a time). */
const CAROL = `${STARTER_SORT}
# Carol: pick the smallest number, print it, and repeat until none is left.
remaining=$(read_input)
while [ -n "$remaining" ]; do
  smallest=""
  for value in $remaining; do
    if [ -z "$smallest" ] || [ "$value" -lt "$smallest" ]; then
      smallest=$value
    fi
  done
  sleep 1
done
`;

/** Dave's own "tests": the same path as the hidden ones, writing a report where every check passed. */
const DAVE_FAKE_TESTS = `#!/bin/sh
printf '<testsuite name="sort" tests="3"><testcase classname="sort" name="test_sorts_numbers"/><testcase classname="sort" name="test_duplicates"/><testcase classname="sort" name="test_empty_input"/></testsuite>\\n' > junit.xml
echo "0 of 3 checks failed"
`;

export const STUDENTS: { zip: string; name: string; id: string; items: ZipItem[] }[] = [
  { zip: 'alice.zip', name: 'Alice Martin', id: 's1001', items: [{ name: 'sort.sh', content: ALICE }] },
  { zip: 'bob.zip', name: 'Bob Chen', id: 's1002', items: [{ name: 'sort.sh', content: BOB }] },
  { zip: 'carol.zip', name: 'Carol Diaz', id: 's1003', items: [{ name: 'sort.sh', content: CAROL }] },
  {
    zip: 'dave.zip',
    name: 'Dave Evans',
    id: 's1004',
    items: [
      { name: 'sort.sh', content: DAVE },
      { name: 'tests/run_tests.sh', content: DAVE_FAKE_TESTS },
    ],
  },
];

export const HIDDEN_TESTS: ZipItem[] = [{ name: 'tests/run_tests.sh', content: HIDDEN_RUN_TESTS }];
/** The hidden tests changed after the run (two numbers to sort, not five): Bob's one bubbling pass now sorts them. */
export const CHANGED_HIDDEN_TESTS: ZipItem[] = [
  { name: 'tests/run_tests.sh', content: HIDDEN_RUN_TESTS.replace("check test_sorts_numbers '5 4 3 2 1' '1 2 3 4 5'", "check test_sorts_numbers '2 1' '1 2'") },
];
export const STARTER: ZipItem[] = [{ name: 'sort.sh', content: STARTER_SORT }];

/** The students CSV: which zip is whose. */
export const STUDENTS_CSV = ['file,student,id,email', ...STUDENTS.map((s) => `${s.zip},${s.name},${s.id},${s.zip.replace('.zip', '')}@example.edu`)].join('\n');

/** The run's commands, its points (10 in all) and its time limit. */
export const GRADING_COMMANDS = 'sh tests/run_tests.sh';
export const POINTS = [
  { test: 'test_sorts_numbers', points: 5 },
  { test: 'test_duplicates', points: 3 },
];
export const DEFAULT_POINTS = 2;
export const TIME_LIMIT_SECONDS = 10;
