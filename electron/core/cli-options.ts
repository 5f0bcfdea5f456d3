/** Shared command-line helpers for `cmdx coordinator` and `cmdx worker`. */

/** A refusal of the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function numberOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max} (got "${value}").`);
  return n;
}
