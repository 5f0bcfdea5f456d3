/** Reads a command line against an option table: node:util parseArgs, then the table's limits and defaults. */
import { parseArgs } from 'node:util';
import type { NumberOption, OptionTable, OptionValues } from './option-table.ts';

/** A refusal of the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `args` strictly (an unknown flag or a stray word is refused by parseArgs, code ERR_PARSE_ARGS_*),
 * falls back to each flag's environment variable, checks numbers against their limits and fills defaults.
 */
export function parseOptions<T extends OptionTable>(table: T, args: string[], env: NodeJS.ProcessEnv = process.env): OptionValues<T> {
  const { values } = parseArgs({ args, options: parseArgsOptions(table), strict: true, allowPositionals: false });
  return tableValues(table, values, env);
}

/**
 * As parseOptions, for commands that also take words (`cmdx logs JOB`): between `min` and `max` of
 * them, anywhere among the flags; `what` names them in the refusal, e.g. `a job id`.
 */
export function parseCommandLine<T extends OptionTable>(
  table: T,
  args: string[],
  words: { min: number; max: number; what: string },
  env: NodeJS.ProcessEnv = process.env,
): { values: OptionValues<T>; positionals: string[] } {
  const { values, positionals } = parseArgs({ args, options: parseArgsOptions(table), strict: true, allowPositionals: true });
  if (positionals.length < words.min) throw new UsageError(`Give ${words.what}.`);
  if (positionals.length > words.max) {
    throw new UsageError(
      words.max === 0
        ? `This command takes no ${words.what} (got "${positionals[0]!.slice(0, 80)}").`
        : `Give one ${words.what}, not ${positionals.length} (${positionals.map((p) => `"${p.slice(0, 40)}"`).join(', ')}).`,
    );
  }
  return { values: tableValues(table, values, env), positionals };
}

/** parseArgs' values checked against the table: environment fallbacks, limits, defaults. */
function tableValues<T extends OptionTable>(
  table: T,
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
  env: NodeJS.ProcessEnv,
): OptionValues<T> {
  const out: Record<string, string | number | boolean | string[] | undefined> = {};
  for (const [name, spec] of Object.entries(table)) {
    const given = values[name];
    if (spec.type === 'boolean') {
      out[name] = given === true;
      continue;
    }
    if (spec.type === 'string' && spec.multiple) {
      out[name] = Array.isArray(given) ? given.map(String) : [];
      continue;
    }
    const fromEnv = given === undefined && spec.env !== undefined ? env[spec.env] : undefined;
    const raw = typeof given === 'string' ? given : fromEnv;
    if (spec.type === 'string' && spec.required !== undefined && !raw) throw new UsageError(spec.required);
    if (raw === undefined) {
      out[name] = spec.default;
    } else {
      out[name] = spec.type === 'number' ? parseNumber(raw, spec, given === undefined ? `${spec.env} (read for --${name})` : `--${name}`) : raw;
    }
  }
  // The loop above gave every key of T the type OptionValues<T> promises; TypeScript cannot follow it through Object.entries.
  return out as OptionValues<T>;
}

/** The number in `raw` within the option's limits, or a UsageError naming `source` (e.g. `--port`). */
export function parseNumber(raw: string, spec: Pick<NumberOption, 'min' | 'max' | 'integer'>, source: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < spec.min || n > spec.max || (spec.integer === true && !Number.isInteger(n))) {
    throw new UsageError(`${source} must be a ${spec.integer ? 'whole ' : ''}number from ${spec.min} to ${spec.max} (got "${raw}").`);
  }
  return n;
}

/** True when `args` ask for help (`--help` or `-h`), wherever they stand, unless it is another flag's value. */
export function wantsHelp(table: OptionTable, args: string[]): boolean {
  // Lenient, so that `--help` works next to a flag that strict parsing would refuse.
  const { tokens } = parseArgs({
    args,
    options: { ...parseArgsOptions(table), help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

/** The table as parseArgs declares options; numbers arrive as strings, as parseArgs knows only strings and booleans. */
function parseArgsOptions(table: OptionTable): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  return Object.fromEntries(
    Object.entries(table).map(([name, spec]) => [
      name,
      {
        type: spec.type === 'boolean' ? 'boolean' : 'string',
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}),
      },
    ]),
  );
}
