/**
 * Where the client connects and with what: --server/--token/--fingerprint, else CMDX_SERVER,
 * CMDX_TOKEN, CMDX_FINGERPRINT (both read by the option table), else the profile. The profile's
 * token and fingerprint go only to the profile's own server.
 */
import { normalizeFingerprint } from '../../../shared/fingerprint.ts';
import { parseJoinLine } from '../../../shared/join-line.ts';
import { UsageError } from '../options/parse-options.ts';
import type { Profile } from './profile.ts';

export interface ConnectionFlags {
  server?: string;
  token?: string;
  fingerprint?: string;
  insecureHttp?: boolean;
}

export interface Connection {
  /** The coordinator's origin, e.g. `https://192.168.1.10:3000`. */
  server: string;
  token?: string;
  /** The certificate to pin (64 hex); null for plain http, or for https when none is known yet. */
  fingerprint: string | null;
}

export const NOT_CONFIGURED =
  'No coordinator is configured. Log in once with "cmdx login https://HOST:PORT --fingerprint SHA256" (the admin token is read from stdin; ' +
  "the dashboard shows the fingerprint, the coordinator's tokens.json holds the token), or set CMDX_SERVER and CMDX_TOKEN (and CMDX_FINGERPRINT for https), " +
  'or pass --server and --token.';

/** The coordinator's origin from a URL, `host:port` (https) or a join line, with the fingerprint a join line carries. */
export function parseServer(text: string): { server: string; fingerprint?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('cmdx://')) {
    const line = parseJoinLine(trimmed);
    if ('error' in line) throw new UsageError(line.error);
    return { server: line.server, ...(line.fingerprint ? { fingerprint: line.fingerprint } : {}) };
  }
  let url: URL;
  try {
    url = new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`);
  } catch {
    throw new UsageError(`"${trimmed.slice(0, 100)}" is not a coordinator address; give one like https://192.168.1.10:3000.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`The coordinator's address must start with https:// or http:// (got ${url.protocol}//).`);
  }
  return { server: url.origin };
}

/** This PC: plain HTTP never leaves it. */
export function isLoopback(server: string): boolean {
  const host = new URL(server).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The connection to use, or a UsageError that says how to configure one. */
export function resolveConnection(flags: ConnectionFlags, profile: Profile | undefined): Connection {
  let server: string;
  let fingerprint: string | null | undefined = flags.fingerprint === undefined || flags.fingerprint === '' ? undefined : checkedFingerprint(flags.fingerprint);
  let token = flags.token || undefined; // an empty variable is no token
  if (flags.server) {
    const given = parseServer(flags.server);
    server = given.server;
    fingerprint ??= given.fingerprint;
  } else if (profile) {
    server = profile.server;
  } else {
    throw new UsageError(NOT_CONFIGURED);
  }
  // The profile's secrets belong to its server: a --server elsewhere never gets them.
  if (profile && profile.server === server) {
    token ??= profile.token;
    fingerprint ??= profile.fingerprint;
  }
  assertTransport(server, flags.insecureHttp === true);
  return { server, fingerprint: server.startsWith('https:') ? (fingerprint ?? null) : null, ...(token ? { token } : {}) };
}

/** A fingerprint as 64 hex digits, or a UsageError. */
export function checkedFingerprint(text: string): string {
  const fingerprint = normalizeFingerprint(text);
  if (!fingerprint) throw new UsageError('--fingerprint must be the SHA-256 the dashboard shows (64 hex digits, colons allowed).');
  return fingerprint;
}

/** Refuses plain HTTP to another PC unless asked for in so many words. */
export function assertTransport(server: string, insecureHttp: boolean): void {
  if (server.startsWith('http:') && !isLoopback(server) && !insecureHttp) {
    throw new UsageError(
      `${server} is plain HTTP to another PC: the token and the output would cross the network in clear. ` +
        'Use https:// with the fingerprint the dashboard shows (--fingerprint), or pass --insecure-http if you accept that.',
    );
  }
}
