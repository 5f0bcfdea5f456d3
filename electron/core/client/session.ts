/** The coordinator a command talks to: its connection flags (or their variables), else the profile. */
import { UsageError } from '../options/parse-options.ts';
import { isLoopback, resolveConnection } from './connection.ts';
import { ApiClient } from './http.ts';
import { profilePath, readProfile } from './profile.ts';
import type { Terminal } from './render.ts';

/** The parsed connection flags every command that talks to a coordinator has. */
export interface ConnectionValues {
  server: string | undefined;
  token: string | undefined;
  fingerprint: string | undefined;
  'insecure-http': boolean;
}

export function openClient(values: ConnectionValues, term: Terminal): ApiClient {
  const connection = resolveConnection(
    { server: values.server, token: values.token, fingerprint: values.fingerprint, insecureHttp: values['insecure-http'] },
    readProfile(profilePath(term.env)),
  );
  if (connection.server.startsWith('http:') && !isLoopback(connection.server)) {
    term.err.write(`cmdx: warning: plain HTTP to ${connection.server} (--insecure-http): the token and the output cross the network in clear.\n`);
  }
  return new ApiClient(connection);
}

/** `job-…` or `run-…`, which the coordinator's ids always start with. */
export function jobOrRun(id: string): 'job' | 'run' {
  if (id.startsWith('job-')) return 'job';
  if (id.startsWith('run-')) return 'run';
  throw new UsageError(`"${id.slice(0, 80)}" is neither a job id (job-…) nor a run id (run-…); "cmdx jobs" and "cmdx runs" list them.`);
}

/** A job id, or a UsageError (for commands that take only jobs). */
export function requireJobId(id: string): string {
  if (jobOrRun(id) !== 'job') throw new UsageError(`${id} is a run; this command takes a job id (job-…). "cmdx status ${id}" lists its jobs.`);
  return id;
}
