/**
 * The join line: one string with everything a PC needs to join a coordinator safely, the address,
 * the certificate fingerprint to pin and (optionally) the join token:
 * `cmdx://192.168.1.10:3000/?fp=<64 hex>&token=<join token>`. Without a token the PC asks to join
 * and the admin approves it on the dashboard.
 */
import { normalizeFingerprint } from './fingerprint.ts';

export interface JoinLine {
  /** Where the worker connects: `https://host:port` (or `http://` for a coordinator run with --no-tls). */
  server: string;
  /** The certificate to pin (64 hex); null for a plain-HTTP coordinator. */
  fingerprint: string | null;
  joinToken: string | null;
}

export function formatJoinLine(host: string, port: number, fingerprint: string | null, joinToken: string | null): string {
  const params = new URLSearchParams();
  if (fingerprint) params.set('fp', fingerprint);
  else params.set('plain', '1');
  if (joinToken) params.set('token', joinToken);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `cmdx://${hostPart}:${port}/?${params.toString()}`;
}

/** The join line's parts, or a sentence saying what is wrong with it. */
export function parseJoinLine(text: string): JoinLine | { error: string } {
  const problem = { error: 'That is not a join line; copy it again from the dashboard ("Add a worker"). It starts with cmdx://' };
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return problem;
  }
  if (url.protocol !== 'cmdx:' || !url.hostname || !url.port) return problem;
  const plain = url.searchParams.get('plain') === '1';
  const fingerprint = normalizeFingerprint(url.searchParams.get('fp') ?? '');
  if (!plain && !fingerprint) return { error: 'The join line has no valid certificate fingerprint (fp=); copy it again from the dashboard.' };
  return {
    server: `${plain ? 'http' : 'https'}://${url.host}`,
    fingerprint: plain ? null : fingerprint!,
    joinToken: url.searchParams.get('token') || null,
  };
}
