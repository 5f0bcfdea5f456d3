/**
 * Feedback per student: a Markdown file with the verdict, points, each test with its outcome and
 * message, the teacher's comment and the last lines of the log. A student's output is quoted in a
 * fence longer than any it contains, and stripped of terminal sequences, so it cannot break the file.
 */
import type { RunJobRow } from '../../../../shared/api.ts';
import { VERDICT_WORDS } from '../../../../shared/verdict.ts';
import { TerminalFilter } from '../../../../shared/terminal-text.ts';
import type { TestCase } from './test-report.ts';

export const FEEDBACK_LOG_LINES = 100;

export interface FeedbackInput {
  runName: string;
  job: RunJobRow;
  student: string;
  cases: TestCase[];
  note: string | null;
  log: string;
}

export function feedbackMarkdown({ runName, job, student, cases, note, log }: FeedbackInput): string {
  const verdict = job.verdict ? VERDICT_WORDS[job.verdict] : 'Not finished';
  const lines = [
    `# ${inline(student)}: ${inline(runName)}`,
    '',
    `- **Verdict:** ${verdict}${job.exitCode !== null && job.exitCode !== 0 ? ` (exit ${job.exitCode})` : ''}`,
  ];
  if (job.points !== null) lines.push(`- **Points:** ${job.points} / ${job.maxPoints ?? '?'}`);
  if (job.tests) lines.push(`- **Tests:** ${job.tests.passed} of ${job.tests.total} passed${job.tests.skipped ? `, ${job.tests.skipped} skipped` : ''}`);
  if (note) lines.push(`- **Note:** ${inline(note)}`);
  if (job.comment) lines.push('', '## Comment', '', quoted(job.comment));
  if (cases.length) {
    lines.push('', '## Tests', '');
    for (const c of cases) {
      lines.push(
        `- ${c.outcome === 'passed' ? '✔ passed' : c.outcome === 'skipped' ? '– skipped' : '✘ ' + c.outcome}: \`${code(c.classname ? `${c.classname}.${c.name}` : c.name)}\``,
      );
      if (c.message && c.outcome !== 'passed') lines.push('', indent(fenced(c.message)), '');
    }
  }
  lines.push('', `## The last ${FEEDBACK_LOG_LINES} lines of the log`, '', fenced(lastLines(plainLines(log), FEEDBACK_LOG_LINES) || '(no output)'), '');
  return lines.join('\n');
}

/** A file name for the student's Markdown: the name kept readable, nothing a file system or a zip could misread. */
export function feedbackFileName(student: string, used: Set<string>): string {
  const base =
    student
      // eslint-disable-next-line no-control-regex -- the point is to drop control characters
      .replace(/[<>:"/\\|?*\x00-\x1f\x7f]/g, '_')
      .replace(/^[.\s]+|[.\s]+$/g, '')
      .slice(0, 100) || 'student';
  let name = `${base}.md`;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n}).md`;
  used.add(name.toLowerCase());
  return name;
}

/** Text with its terminal sequences and controls gone, line breaks kept. */
function plainLines(text: string): string {
  const filter = new TerminalFilter(false);
  return (filter.push(text) + filter.end()).replace(/\r\n?/g, '\n');
}

function lastLines(text: string, n: number): string {
  return text.replace(/\n+$/, '').split('\n').slice(-n).join('\n');
}

/** A fenced block whose fence is longer than any run of backticks inside it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${plainLines(text)}\n${fence}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function quoted(text: string): string {
  return plainLines(text)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** One line of Markdown text: no line breaks, no markup characters that would start a construct. */
function inline(text: string): string {
  return plainLines(text)
    .replace(/\s+/g, ' ')
    .replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

function code(text: string): string {
  return plainLines(text).replace(/\s+/g, ' ').replace(/`/g, "'");
}
