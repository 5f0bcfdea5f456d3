/** What the dashboard shows about this coordinator: version, TLS fingerprint, addresses and join lines. */
import { APP_VERSION } from '../../../shared/api.ts';
import { formatJoinLine } from '../../../shared/join-line.ts';
import { lanAddresses } from '../lan.ts';
import { hashToken } from './http/auth.ts';
import type { CoordinatorContext } from './context.ts';
import { joinTokenPolicy } from './workers/join-tokens.ts';

/** The addresses other PCs can reach this coordinator at: only those it listens on, LAN ones first. */
export function listenAddresses(host: string): string[] {
  if (host === '0.0.0.0' || host === '::') return [...lanAddresses(), '127.0.0.1'];
  return [host];
}

/** `https://192.168.1.10:3000`: the scheme, a host (IPv6 in brackets) and the port. */
function origin(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The dashboard's address for links sent to other PCs (webhooks): the first address it listens on, LAN ones first. */
export function dashboardUrl(settings: { fingerprint: string | null; host: string }, port: number): string {
  return origin(settings.fingerprint ? 'https' : 'http', listenAddresses(settings.host)[0] ?? '127.0.0.1', port);
}

/** `admin`: the caller may see the join token (IT's: it adds PCs at once); others get the lines without it. */
export function coordinatorInfo(ctx: CoordinatorContext, port: number, admin = true) {
  const { auth, tokens, fingerprint } = ctx.settings;
  const scheme = fingerprint ? 'https' : 'http';
  const hosts = listenAddresses(ctx.settings.host);
  const joinToken = auth && admin ? tokens.joinToken : null;
  const others = ctx.settings.otherCoordinators;
  return {
    version: APP_VERSION,
    auth,
    tls: fingerprint !== null,
    fingerprint,
    addresses: hosts.map((host) => origin(scheme, host, port)),
    joinToken,
    joinTokenPolicy: joinToken ? joinTokenPolicy(ctx.store, hashToken(joinToken)) : null,
    /** With the join token (joins at once) and without it (the PC asks; the admin approves); the campus's other coordinators after this one. */
    joinLines: hosts.map((host) => ({
      address: host,
      withToken: formatJoinLine(host, port, fingerprint, joinToken, others),
      withoutToken: formatJoinLine(host, port, fingerprint, null, others),
    })),
    waitingToJoin: ctx.joinRequests.pending().length,
    maxUploadBytes: ctx.settings.maxUploadBytes,
  };
}
