/**
 * A TAP YAML diagnostic block (`  ---` … `  ...`), read only as far as grading needs: the message
 * (`message:` or node:test's `error:`, else the whole block) and `duration_ms`. Not a YAML parser:
 * scalars, quoted strings and block scalars (`|`, `>`) at the block's top level.
 */
import { messageText } from './report-types.ts';

export interface Diagnostic {
  message: string | null;
  timeSeconds: number | null;
}

const KEY = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/;
/** The message is `message:`, or else node:test's `error:`. */
const MESSAGE_KEYS = ['message', 'error'];

/** `lines`: the block's lines between its markers, already without the block's own indent. */
export function readDiagnostic(lines: readonly string[]): Diagnostic {
  const found = new Map<string, string>();
  let timeSeconds: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const key = KEY.exec(lines[i]!);
    if (!key) continue;
    const [name, inline = ''] = [key[1]!, key[2]?.trim()];
    const rest = continuation(lines, i + 1);
    if (name === 'duration_ms') timeSeconds = milliseconds(inline);
    else if (MESSAGE_KEYS.includes(name) && !found.has(name)) found.set(name, scalar(inline, rest));
    i += rest.length;
  }
  const message = MESSAGE_KEYS.map((key) => found.get(key)).find((value) => value !== undefined);
  return { message: messageText(message ?? lines.join('\n')), timeSeconds };
}

/** The lines after a key that belong to its value: indented, or blank. */
function continuation(lines: readonly string[], from: number): string[] {
  let end = from;
  while (end < lines.length && (/^\s/.test(lines[end]!) || lines[end]!.trim() === '')) end++;
  return lines.slice(from, end);
}

function scalar(inline: string, rest: readonly string[]): string {
  if (/^[|>][-+]?$/.test(inline)) return blockScalar(inline.startsWith('>'), rest);
  const joined = [inline, ...rest.map((line) => line.trim())].filter((part) => part !== '').join(' ');
  if (joined.startsWith("'")) return joined.replace(/^'|'$/g, '').replaceAll("''", "'");
  if (joined.startsWith('"')) return doubleQuoted(joined);
  return inline === '' ? dedent(rest).join('\n') : joined; // a nested map: shown as written
}

/** `|` keeps line breaks; `>` folds lines into spaces (blank lines stay breaks). */
function blockScalar(folded: boolean, rest: readonly string[]): string {
  const lines = dedent(rest);
  if (!folded) return lines.join('\n');
  return lines.map((line) => (line === '' ? '\n' : line)).join(' ');
}

function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)![0].length);
  const cut = indents.reduce((least, indent) => Math.min(least, indent), indents[0] ?? 0); // no spread: a block may be long
  return lines.map((line) => line.slice(cut).trimEnd());
}

function doubleQuoted(text: string): string {
  try {
    return JSON.parse(text) as string; // YAML's common escapes (\n \t \" \\ \u) are JSON's
  } catch {
    return text.replace(/^"|"$/g, '');
  }
}

function milliseconds(value: string): number | null {
  const ms = value === '' ? NaN : Number(value);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms * 1000) / 1e6 : null; // to the microsecond: 1.87 ms is 0.00187 s
}
