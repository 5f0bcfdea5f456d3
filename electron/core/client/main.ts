/** `cmdx submit|logs|status|cancel|workers|jobs|runs|artifacts|audit|login|logout`: the terminal client's commands. */
import { artifactsCommand } from './commands/artifacts.ts';
import { auditCommand } from './commands/audit.ts';
import { cancelCommand } from './commands/cancel.ts';
import { jobsCommand } from './commands/jobs.ts';
import { loginCommand, logoutCommand } from './commands/login.ts';
import { logsCommand } from './commands/logs.ts';
import { runsCommand } from './commands/runs.ts';
import { statusCommand } from './commands/status.ts';
import { submitCommand } from './commands/submit.ts';
import { workersCommand } from './commands/workers.ts';
import { processTerminal, type Terminal } from './render.ts';

const COMMANDS: Record<string, (args: string[], term: Terminal) => Promise<number>> = {
  submit: submitCommand,
  logs: logsCommand,
  status: statusCommand,
  cancel: cancelCommand,
  workers: workersCommand,
  jobs: jobsCommand,
  runs: runsCommand,
  artifacts: artifactsCommand,
  audit: auditCommand,
  login: loginCommand,
  logout: logoutCommand,
};

/** Runs one client command; resolves with the exit code. Errors are thrown for the CLI to print. */
export function runClientCommand(name: string, args: string[], term: Terminal = processTerminal()): Promise<number> {
  const command = COMMANDS[name];
  if (!command) throw new Error(`Unknown client command "${name}".`);
  // `cmdx logs JOB | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return command(args, term);
}
