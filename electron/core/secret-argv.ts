/**
 * No long-running process keeps a token in its command line: `/proc/PID/cmdline` (and `ps`, and Task
 * Manager) show it to every program on the PC, a student's job among them. A token given as a flag
 * moves into the environment (readable only by the process's own account and root), and the process
 * starts again without it (process.execve: same pid, same stdio).
 */

/** Flags that carry a secret, and the variable each one is read from instead (the option tables' `env`). */
const SECRET_FLAGS: Record<string, string> = {
  '--join': 'CMDX_JOIN',
  '--join-token': 'CMDX_JOIN_TOKEN',
  '--admin-token': 'CMDX_ADMIN_TOKEN',
  '--token': 'CMDX_TOKEN',
  // A PostgreSQL URL may hold a password.
  '--database': 'CMDX_DATABASE',
  '--to': 'CMDX_DATABASE',
};

export interface SecretFreeArgv {
  argv: string[];
  /** The secrets, under their variables' names. */
  env: Record<string, string>;
}

/** `argv` without its secret flags (`--flag VALUE` or `--flag=VALUE`), and those values as variables; undefined when it has none. */
export function secretFreeArgv(argv: readonly string[]): SecretFreeArgv | undefined {
  const kept: string[] = [];
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      kept.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const variable = SECRET_FLAGS[flag];
    if (variable === undefined) {
      kept.push(arg);
      continue;
    }
    if (eq > 0) env[variable] = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) env[variable] = argv[++i]!;
    else kept.push(arg); // no value: the parser says so
  }
  return Object.keys(env).length === 0 ? undefined : { argv: kept, env };
}

/**
 * Starts this process again without the secrets in its argv, when there are any. Returns a warning when
 * it cannot (no process.execve: Windows), for the caller to print.
 */
export function reexecWithoutSecrets(script: string, argv: readonly string[], nodeFlags: readonly string[] = []): string | undefined {
  const moved = secretFreeArgv(argv);
  if (!moved && nodeFlags.length === 0) return undefined;
  // Windows' Node has process.execve, but it throws there (ERR_FEATURE_UNAVAILABLE_ON_PLATFORM).
  if (typeof process.execve !== 'function' || process.platform === 'win32') {
    if (!moved) return undefined; // Node flags are an economy: without execve (Windows) the process goes on as it is
    const flags = Object.entries(SECRET_FLAGS).filter(([, name]) => name in moved.env);
    return `a token on the command line (${flags.map(([flag]) => flag).join(', ')}) stays visible to every program on this PC: set ${flags.map(([, name]) => name).join(', ')} in the environment instead`;
  }
  // One restart for both: the secrets leave argv, and Node flags that only work from the start (memory-flags.ts) join it.
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...nodeFlags, script, ...(moved?.argv ?? argv)], { ...process.env, ...moved?.env });
}
