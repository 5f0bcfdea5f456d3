/** How `cmdx coordinator` and `cmdx worker` log: `--log-format`, else readable text on a terminal and JSON lines anywhere else. */
import { UsageError } from './options/parse-options.ts';

/** `--log-format text|json`, else text on a terminal and JSON anywhere else. */
export function logFormat(args: string[]): 'text' | 'json' {
  const at = args.findIndex((arg) => arg === '--log-format' || arg.startsWith('--log-format='));
  const value = at === -1 ? undefined : args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
  if (value === undefined) return process.stdout.isTTY ? 'text' : 'json';
  if (value !== 'text' && value !== 'json') throw new UsageError(`--log-format is "text" or "json" (got "${value}").`);
  return value;
}
