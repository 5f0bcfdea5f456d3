/** An option table as text: the --help listing and the Markdown table in docs/operations.md. */
import type { OptionSpec, OptionTable } from './option-table.ts';

const WIDTH = 100;
const NBSP = '\u00a0';

/** The default column, in Markdown: "(required)", a computed default's description, the value, the variable, or "off". */
export function defaultCell(spec: OptionSpec): string {
  if (spec.type === 'string' && spec.required !== undefined) return '(required)';
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.type !== 'boolean' && spec.default !== undefined) return `\`${spec.default}\``;
  if (spec.type !== 'boolean' && spec.env !== undefined) return `\`$${spec.env}\``;
  return 'off';
}

/** The table of a command's options in docs/operations.md: `| flag | default | meaning |`, one row per flag, in table order. */
export function markdownTable(table: OptionTable): string {
  const rows = Object.entries(table).map(
    ([name, spec]) => `| \`--${name}\`${spec.short ? `, \`-${spec.short}\`` : ''} | ${defaultCell(spec)} | ${spec.help} |`,
  );
  return ['| flag | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** One command's synopsis, its required flags spelled out, e.g. `cmdx worker --server URL [options]`. */
export function synopsis(command: string, table: OptionTable): string {
  const required = Object.entries(table)
    .filter(([, spec]) => spec.type === 'string' && spec.required !== undefined)
    .map(([name, spec]) => flagWithArg(name, spec));
  return [command, ...required, '[options]'].join(' ');
}

/** The flags of a table for --help: flag and value name, then meaning and default, wrapped to 100 columns. */
export function optionsHelp(table: OptionTable): string {
  return twoColumns(Object.entries(table).map(([name, spec]) => ({ left: flagWithArg(name, spec), text: describe(spec) })));
}

/** Rows of `left` and `text` (Markdown allowed: backticks are dropped), the text wrapped in its own column to 100 columns. */
export function twoColumns(rows: { left: string; text: string }[]): string {
  if (rows.length === 0) return '  (none)\n';
  const column = Math.max(...rows.map((r) => r.left.length)) + 4;
  return (
    rows
      .map(({ left, text }) =>
        wrap(plain(text), WIDTH - column)
          .map((line, i) => (i === 0 ? `  ${left}`.padEnd(column) : ' '.repeat(column)) + line)
          .join('\n'),
      )
      .join('\n') + '\n'
  );
}

/** A command's own --help: its synopsis and its flags. */
export function usageText(command: string, table: OptionTable): string {
  return `Usage: ${synopsis(command, table)}\n\nOptions:\n${optionsHelp(table)}`;
}

function flagWithArg(name: string, spec: OptionSpec): string {
  const flag = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
  return spec.type === 'boolean' ? flag : `${flag} ${spec.arg ?? (spec.type === 'number' ? 'N' : 'VALUE')}`;
}

function describe(spec: OptionSpec): string {
  const cell = defaultCell(spec);
  // A no-break space keeps "(default:" on the line of the value's first word.
  return `${spec.help} ${cell === '(required)' ? cell : `(default:${NBSP}${cell})`}`;
}

/** Terminals show Markdown's backticks literally. */
function plain(markdown: string): string {
  return markdown.replaceAll('`', '');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line].map((l) => l.replaceAll(NBSP, ' '));
}
