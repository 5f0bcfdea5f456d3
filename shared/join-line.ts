/**
 * The join line: one string with everything a PC needs to join a coordinator safely, the address,
 * the certificate fingerprint to pin and (optionally) the join token:
 * `cmdx://192.168.1.10:3000/?fp=<64 hex>&token=<join token>`. Without a token the PC asks to join
 * and the admin approves it on the dashboard. A campus of coordinators sharing one identity lists
 * them all, comma-separated, first the one to try first: `cmdx://10.0.0.5:3000,[fd00::6]:3000/?fp=…`.
 */
import { normalizeFingerprint } from './fingerprint.ts';

export interface JoinLine {
  /** Where the worker connects: `https://host:port` (or `http://` for a coordinator run with --no-tls); `servers[0]`. */
  server: string;
  /** Every coordinator of the campus, in the order to try them (one for a single coordinator). */
  servers: string[];
  /** The certificate to pin (64 hex); null for a plain-HTTP coordinator. */
  fingerprint: string | null;
  joinToken: string | null;
}

/** A campus has a few coordinators; more is a pasted mistake, refused before any work. */
export const MAX_JOIN_ADDRESSES = 16;
const MAX_LINE_LENGTH = 8192;

export function formatJoinLine(host: string, port: number, fingerprint: string | null, joinToken: string | null, others: readonly string[] = []): string {
  const params = new URLSearchParams();
  if (fingerprint) params.set('fp', fingerprint);
  else params.set('plain', '1');
  if (joinToken) params.set('token', joinToken);
  const first = `${hostPart(host)}:${port}`;
  return `cmdx://${[first, ...others.filter((o) => o !== first)].join(',')}/?${params.toString()}`;
}

/** `host:port` with an IPv6 host in brackets, as a URL writes it. */
export function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The join line's parts, or a sentence saying what is wrong with it. */
export function parseJoinLine(text: string): JoinLine | { error: string } {
  const problem = { error: 'That is not a join line; copy it again from the dashboard ("Add a worker"). It starts with cmdx://' };
  const line = text.trim();
  if (line.length > MAX_LINE_LENGTH || !/^cmdx:\/\//i.test(line)) return problem;
  const rest = line.slice('cmdx://'.length);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const query = new URLSearchParams(end === -1 ? '' : (rest.slice(end).split('#')[0]!.split('?')[1] ?? ''));
  const entries = authority.split(',');
  if (entries.length > MAX_JOIN_ADDRESSES) return { error: `The join line lists ${entries.length} addresses; at most ${MAX_JOIN_ADDRESSES}.` };
  const addresses: string[] = [];
  for (const entry of entries) {
    const address = parseAddress(entry);
    if (address === undefined)
      return entries.length === 1 ? problem : { error: `"${entry.slice(0, 80)}" in the join line is not a host:port; copy the line again from the dashboard.` };
    if (!addresses.includes(address)) addresses.push(address);
  }
  const plain = query.get('plain') === '1';
  const fingerprint = normalizeFingerprint(query.get('fp') ?? '');
  if (!plain && !fingerprint) return { error: 'The join line has no valid certificate fingerprint (fp=); copy it again from the dashboard.' };
  const servers = addresses.map((a) => `${plain ? 'http' : 'https'}://${a}`);
  return { server: servers[0]!, servers, fingerprint: plain ? null : fingerprint!, joinToken: query.get('token') || null };
}

/**
 * `host:port` as a URL's host would write it (lowercase name, IPv6 in brackets, no default-port
 * dropping), or undefined when it is not one: `new URL` checks the host as an http URL's.
 */
export function parseAddress(entry: string): string | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s[\]:/?#@,]+):(\d{1,5})$/.exec(entry.trim());
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  let host: string;
  try {
    host = new URL(`http://${match[1]}:1/`).hostname;
  } catch {
    return undefined;
  }
  return host ? `${host}:${port}` : undefined;
}
