/**
 * A template's parameters on the worker: each value in its own environment variable, and the
 * commands' `{{name}}` placeholders turned into references to it in the job's shell, so a value is
 * never shell text. cmd expands %VAR% before it parses a line, so a value cmd would read as syntax is
 * refused there with a sentence instead of run.
 */
import { defaultShell, type ShellName } from '../../../shared/shells.ts';
import { paramEnvName, withParamReferences } from '../../../shared/templates.ts';
import { JobStop } from './stop-cause.ts';

// What cmd treats as syntax after %VAR% expansion: separators, redirection, escapes, grouping, quotes, more expansion.
const CMD_SYNTAX = /[&|<>^%!()"]/;

export interface ParamsApplied {
  commands: string;
  env: Record<string, string>;
}

/** The commands and the extra environment for a job's parameters (none: the commands as they are). */
export function applyParams(
  commands: string,
  params: Record<string, string> | undefined,
  shell: ShellName | null | undefined,
  platform = process.platform,
): ParamsApplied {
  if (!params || Object.keys(params).length === 0) return { commands, env: {} };
  const used = shell ?? defaultShell(platform);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (used === 'cmd' && CMD_SYNTAX.test(value)) {
      throw new JobStop(
        'error',
        `The parameter ${name} holds a character cmd would run as syntax (${value.match(CMD_SYNTAX)![0]}); nothing was run. Give the template the powershell or sh shell, where a value stays plain text.`,
      );
    }
    env[paramEnvName(name)] = value;
  }
  return { commands: withParamReferences(commands, used), env };
}
