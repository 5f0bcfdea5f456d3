/**
 * Where a headless worker connects, and what it pins: a join line, a coordinator found on the LAN,
 * --server (with --fingerprint for https), or the coordinator this work dir already joined.
 */
import { displayFingerprint, normalizeFingerprint } from '../../../shared/fingerprint.ts';
import { MAX_JOIN_ADDRESSES, parseJoinLine } from '../../../shared/join-line.ts';
import type { Logger } from '../logger.ts';
import { UsageError } from '../options/parse-options.ts';
import { loadIdentity } from './identity.ts';

export interface CoordinatorTarget {
  server: string;
  /** Every coordinator of the campus, `server` first (one for a single coordinator). */
  servers: string[];
  fingerprint: string | null;
  joinToken?: string;
}

export interface TargetFlags {
  join?: string;
  discover?: boolean;
  /** --server, repeated or comma-separated. */
  server?: string | string[];
  fingerprint?: string;
  joinToken?: string;
}

export async function coordinatorTarget(flags: TargetFlags, workDir: string, logger: Logger): Promise<CoordinatorTarget> {
  flags = { ...flags, joinToken: flags.joinToken || undefined }; // an empty variable is no token
  if (flags.join) {
    const line = parseJoinLine(flags.join);
    if ('error' in line) throw new UsageError(line.error);
    return { server: line.server, servers: line.servers, fingerprint: line.fingerprint, joinToken: line.joinToken ?? flags.joinToken };
  }
  if (flags.discover) {
    // An mDNS answer proves nothing: a discovered coordinator may only be asked, never handed a token.
    if (flags.joinToken)
      throw new UsageError(
        '--discover asks the coordinator it finds to approve this PC; it never sends a join token. Use --join with the line from the dashboard instead.',
      );
    return discovered(logger);
  }
  const servers = serverList(flags.server);
  if (servers.length > 0) {
    const fingerprint = flags.fingerprint === undefined ? null : normalizeFingerprint(flags.fingerprint);
    if (fingerprint === undefined) throw new UsageError('--fingerprint must be the SHA-256 the dashboard shows (64 hex digits, colons allowed).');
    return { server: servers[0]!, servers, fingerprint, joinToken: flags.joinToken };
  }
  const saved = loadIdentity(workDir);
  if (saved.server) {
    const campus = [saved.server, ...(saved.servers ?? []).filter((s) => s !== saved.server)];
    return { server: saved.server, servers: campus, fingerprint: saved.fingerprint ?? null };
  }
  throw new UsageError('Tell the worker where its coordinator is: --join LINE (from the dashboard, "Add a worker"), --discover, or --server URL.');
}

/** --server's addresses, repeated or comma-separated, each an http(s) URL, all of one scheme (one pin serves them all). */
export function serverList(given: string | string[] | undefined): string[] {
  const entries = (Array.isArray(given) ? given : given === undefined ? [] : [given])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length > MAX_JOIN_ADDRESSES) throw new UsageError(`--server lists ${entries.length} addresses; at most ${MAX_JOIN_ADDRESSES}.`);
  const origins: string[] = [];
  for (const entry of entries) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new UsageError(`--server must be an http:// or https:// address (got ${entry.slice(0, 200)}).`);
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  if (new Set(origins.map((o) => new URL(o).protocol)).size > 1)
    throw new UsageError('--server: every coordinator of a campus is https (or every one http); not a mix.');
  return origins;
}

async function discovered(logger: Logger): Promise<CoordinatorTarget> {
  // Loaded only here: the multicast DNS library is not needed by a worker that was told where to go.
  const { discover } = await import('../discovery.ts');
  const found = (await discover(3000)).filter((c) => c.fingerprint !== null); // a plain-HTTP announcement could be anyone's
  for (const c of found)
    logger.info('coordinator found', { name: c.name, addresses: c.addresses, port: c.port, fingerprint: c.fingerprint && displayFingerprint(c.fingerprint) });
  if (found.length === 0) {
    throw new UsageError(
      'No coordinator answered on this network within 3 s. Check that it runs with announcing on (the app does; headless: --announce), or use --join.',
    );
  }
  if (found.length > 1) {
    const list = found.map((c) => `${c.name} at ${c.addresses[0]}:${c.port}`).join('; ');
    throw new UsageError(`${found.length} coordinators answered (${list}); pick one with --join (from its dashboard) or --server.`);
  }
  const only = found[0]!;
  const host = only.addresses[0]!;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const server = `https://${hostPart}:${only.port}`;
  return { server, servers: [server], fingerprint: only.fingerprint };
}
