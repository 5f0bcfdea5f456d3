/**
 * Reads TAP (12, 13, 14): `ok` / `not ok` lines at the top level with their numbers, descriptions
 * and SKIP/TODO directives, the plan, YAML diagnostics, `Bail out!`. Indented lines (subtests) are
 * left to their parent's summary line. Planned tests that never reported count as failed.
 */
import { readDiagnostic } from './tap-yaml.ts';
import { CaseList, joinNotes, messageText, nameText, REPORT_LIMITS, type ReadResult, type TestCase, type TestReport } from './report-types.ts';

interface Plan {
  count: number;
  reason: string | null;
}

interface Reading {
  fileName: string;
  classname: string;
  list: CaseList;
  numbers: Set<number>;
  last: number;
  plan: Plan | null;
  bail: string | null;
  notes: string[];
}

const TEST_LINE = /^(not ok|ok)(?=\s|$)(?:\s+(\d{1,9})(?=\s|$))?(.*)$/;
const PLAN = /^1\.\.(\d{1,9})\s*(?:#\s*(.*))?$/;
const BAIL = /^Bail out!\s*(.*)$/i;

/** Reads `text` as TAP; says why when nothing in it is TAP. */
export function readTap(fileName: string, text: string): ReadResult {
  const reading: Reading = { fileName, classname: stem(fileName), list: new CaseList(), numbers: new Set(), last: 0, plan: null, bail: null, notes: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && reading.bail === null; i++) i = readLine(reading, lines, i);
  if (reading.list.counts.total === 0 && reading.plan === null) {
    const why =
      reading.bail === null ? 'has no test lines (ok / not ok) and no plan (1..N)' : `bailed out before any test (${reading.bail || 'no reason given'})`;
    return { ok: false, reason: `${fileName} ${why}` };
  }
  return { ok: true, report: finish(reading) };
}

/** Reads the line at `i` (and a YAML block after a test line); returns the index of the last line used. */
function readLine(reading: Reading, lines: readonly string[], i: number): number {
  const line = lines[i]!.trimEnd();
  if (/^\s/.test(line)) return i; // a subtest's line, or stray diagnostics: the parent's summary line counts
  const test = TEST_LINE.exec(line);
  if (test) {
    const block = yamlBlock(lines, i + 1);
    addTest(reading, test, block?.body ?? null);
    return block?.end ?? i;
  }
  const plan = PLAN.exec(line);
  if (plan && reading.plan === null) reading.plan = { count: Number(plan[1]), reason: messageText(plan[2]) };
  else if (plan) reading.notes.push(`${reading.fileName} has more than one plan: the first (1..${reading.plan!.count}) counts`);
  const bail = BAIL.exec(line);
  if (bail) reading.bail = messageText(bail[1]) ?? ''; // bounded: it goes into the note and every case that never ran
  return i;
}

/** A YAML block starting at `from` (`  ---`): its lines, and the index of its last line (`  ...`, or the last indented one). */
function yamlBlock(lines: readonly string[], from: number): { body: string[]; end: number } | null {
  if (!/^ {2}---\s*$/.test(lines[from] ?? '')) return null;
  const body: string[] = [];
  let i = from + 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^ {2}\.\.\.\s*$/.test(line)) return { body, end: i };
    if (line.trim() !== '' && !line.startsWith('  ')) break; // never closed: the block ends where its indent does
    body.push(line.slice(2));
  }
  return { body, end: i - 1 };
}

function addTest(reading: Reading, [, status, number, rest = '']: RegExpExecArray, block: string[] | null): void {
  const id = number === undefined ? reading.last + 1 : Number(number);
  reading.last = id;
  reading.numbers.add(id);
  const { description, directive, reason } = splitDirective(rest);
  const diagnostic = block ? readDiagnostic(block) : null;
  const base = { name: nameText(description || `test ${id}`), classname: reading.classname, timeSeconds: diagnostic?.timeSeconds ?? null };
  let testCase: TestCase;
  if (directive === 'skip') testCase = { ...base, outcome: 'skipped', message: messageText(reason) };
  else if (directive === 'todo' && status === 'not ok') testCase = { ...base, outcome: 'skipped', message: messageText(`TODO ${reason}`) };
  else if (status === 'ok') testCase = { ...base, outcome: 'passed', message: null };
  else testCase = { ...base, outcome: 'failed', message: diagnostic?.message ?? null };
  reading.list.add(testCase);
}

/** "- adds numbers # SKIP no network" → the description and the directive; `\#` is a literal #. */
function splitDirective(rest: string): { description: string; directive: 'skip' | 'todo' | null; reason: string } {
  const at = firstHash(rest);
  const found = at >= 0 ? /^#\s*(skip|todo)\S*(?:\s+(.*))?$/i.exec(rest.slice(at)) : null;
  let description = (found ? rest.slice(0, at) : rest).trim().replace(/^-\s*/, '');
  if (description.endsWith('{')) description = description.slice(0, -1).trimEnd(); // TAP 14's buffered subtest opener
  return {
    description: description.replace(/\\([\\#])/g, '$1'),
    directive: found ? (found[1]!.toLowerCase() as 'skip' | 'todo') : null,
    reason: found?.[2]?.trim() ?? '',
  };
}

/** The first # not escaped by a backslash (a scan: a regex search here could be quadratic on long lines). */
function firstHash(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '#') return i;
  }
  return -1;
}

function finish(reading: Reading): TestReport {
  const { list, fileName, plan } = reading;
  const notes: (string | null)[] = [...reading.notes];
  if (plan) notes.push(...checkPlan(reading, plan));
  else notes.push(`${fileName} has no plan (1..N)${bailed(reading)}: tests that never ran cannot be counted`);
  notes.push(list.capNote(fileName));
  return { format: 'tap', cases: list.cases, counts: list.counts, casesMissing: list.dropped > 0, note: joinNotes(notes) };
}

/** Tests the plan promised that never reported become failed cases; numbers outside the plan are noted. */
function checkPlan(reading: Reading, plan: Plan): string[] {
  const { list, numbers, fileName } = reading;
  const notes: string[] = [];
  if (plan.count === 0) notes.push(`${fileName} planned no tests (1..0${plan.reason ? ` # ${plan.reason}` : ''})`);
  let inPlan = 0;
  for (const n of numbers) if (n >= 1 && n <= plan.count) inPlan++;
  if (numbers.size > inPlan) notes.push(`${numbers.size - inPlan} of ${fileName}'s test numbers are outside its plan 1..${plan.count}`);
  const missing = plan.count - inPlan;
  if (missing === 0)
    return reading.bail === null ? notes : [...notes, `${fileName} bailed out after its last planned test (${reading.bail || 'no reason given'})`];
  const why = reading.bail === null ? `planned (1..${plan.count}) but never reported` : `never ran: Bail out! ${reading.bail}`.trim();
  let listed = 0;
  for (let n = 1; n <= plan.count && list.cases.length < REPORT_LIMITS.maxCases; n++) {
    if (numbers.has(n)) continue;
    list.add({ name: `test ${n}`, classname: reading.classname, outcome: 'failed', timeSeconds: null, message: why });
    listed++;
  }
  if (missing > listed) list.countOnly('failed', missing - listed);
  notes.push(`${missing} of ${plan.count} planned tests in ${fileName} never reported${bailed(reading)}, counted as failed`);
  return notes;
}

function bailed({ bail }: Reading): string {
  if (bail === null) return '';
  return bail ? ` (it bailed out: ${bail})` : ' (it bailed out)';
}

/** The file name without its folders and its last extension: TAP's stand-in for a class name. */
function stem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
