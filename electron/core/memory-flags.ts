/**
 * V8 flags for the long-running commands (`cmdx coordinator`, `cmdx worker`), which set the heap's size only when
 * the process starts. A 2 MB semi-space keeps the young generation at about 6 MB instead of up to 64: a coordinator
 * with 1,000 idle workers holds about 145 MB instead of 190 (bench `idle`), for more frequent, shorter scavenges.
 * The desktop app's main process cannot take them once started (Electron reads js-flags for its main process only
 * from its own command line), so there they are left to the installer's shortcut.
 */
export const MEMORY_FLAGS = ['--max-semi-space-size=2'];
const LONG_RUNNING = new Set(['coordinator', 'worker']);

/** The flags this run of `cmdx` still needs on its Node command line (none for short client commands, or when given already). */
export function missingMemoryFlags(command: string | undefined, execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  if (!command || !LONG_RUNNING.has(command)) return [];
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  return MEMORY_FLAGS.filter((flag) => !given.some((arg) => arg.split('=')[0] === flag.split('=')[0]));
}
