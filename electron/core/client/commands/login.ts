/**
 * `cmdx login SERVER` checks the coordinator, its certificate and the token (the admin token or a person's own
 * personal token), then saves them in the profile; `cmdx logout` deletes it. The token is never printed.
 */
import { displayFingerprint } from '../../../../shared/fingerprint.ts';
import { LOGIN_OPTIONS, LOGOUT_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { assertTransport, checkedFingerprint, isLoopback, parseServer } from '../connection.ts';
import { ApiClient } from '../http.ts';
import { deleteProfile, profilePath, writeProfile, type Profile } from '../profile.ts';
import type { Terminal } from '../render.ts';
import { readSecret } from '../secret-input.ts';
import { plainStrings } from '../job-output.ts';

export async function loginCommand(args: string[], term: Terminal, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
  const { values, positionals } = parseCommandLine(
    LOGIN_OPTIONS,
    args,
    { min: 1, max: 1, what: "the coordinator's address, e.g. cmdx login https://192.168.1.10:3000 --fingerprint SHA256 (or its join line)" },
    term.env,
  );
  const given = parseServer(positionals[0]!);
  const server = given.server;
  assertTransport(server, values['insecure-http']);
  const fingerprint = server.startsWith('https:') ? (values.fingerprint ? checkedFingerprint(values.fingerprint) : (given.fingerprint ?? null)) : null;
  const token =
    values.token ??
    (await readSecret(stdin, `Token for ${server} (your personal token from the dashboard, or the admin token; empty if it has none): `, process.stderr));
  const profile: Profile = { server, fingerprint, ...(token ? { token } : {}) };
  const api = new ApiClient(profile);
  let who = '';
  try {
    // One call proves the address, the certificate and the token together before anything is saved.
    if (token) {
      const session = await api.call('getSession');
      const rooms = session.user.scope ? `: ${session.user.scope.tags.join(', ')}` : '';
      who = session.via === 'admin-token' ? ' with the admin token' : ` as ${plainStrings([session.user.name])[0]} (${session.user.role}${rooms})`;
    } else await api.call('getCoordinatorInfo');
  } finally {
    api.close();
  }
  const file = profilePath(term.env);
  writeProfile(file, profile);
  const pinned = fingerprint ? `, certificate SHA-256 ${displayFingerprint(fingerprint)}` : '';
  const clear = server.startsWith('http:') && !isLoopback(server) ? ' (plain HTTP: the token crosses the network in clear)' : '';
  term.out.write(`Logged in to ${server}${who}${pinned}${clear}${token ? '' : ' without a token'}. Saved in ${file}, readable only by you.\n`);
  return 0;
}

export function logoutCommand(args: string[], term: Terminal): Promise<number> {
  parseCommandLine(LOGOUT_OPTIONS, args, { min: 0, max: 0, what: 'arguments' }, term.env);
  const file = profilePath(term.env);
  term.out.write(deleteProfile(file) ? `Deleted ${file}: cmdx no longer knows a coordinator or a token.\n` : `No profile to delete (${file}).\n`);
  return Promise.resolve(0);
}
