#!/usr/bin/env node
/** `cmdx coordinator|worker ...`: the headless entry point (the desktop app runs the same modules); `cmdx submit|logs|...`: the terminal client. */

// Checked before anything else loads: on an older Node the first import (node:sqlite) would fail obscurely.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `cmdx needs Node.js 22.13 or newer (this is ${process.version}). Run it through npm (npx cmdx ...), which uses the project's Node 24, or install a newer Node.\n`,
  );
  process.exit(1);
}

// Everything the coordinator and the worker write (database, uploads, reports, cache) is theirs alone.
process.umask(0o077);

// A token given as a flag moves into the environment and the process starts again without it in its argv (and,
// for the long-running commands, with the V8 flags that keep their memory small).
const { reexecWithoutSecrets } = await import('./secret-argv.ts');
const { missingMemoryFlags } = await import('./memory-flags.ts');
const nodeFlags = missingMemoryFlags(process.argv[2], process.execArgv, process.env);
const warning = reexecWithoutSecrets(process.argv[1]!, process.argv.slice(2), nodeFlags);
if (warning) process.stderr.write(`cmdx: warning: ${warning}\n`);

const { main } = await import('./cli-commands.ts');
const exitCode = await main(process.argv.slice(2));
if (exitCode >= 0) process.exit(exitCode);
