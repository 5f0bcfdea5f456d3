/** Sign-in with the school's accounts over OpenID Connect: the provider, this coordinator's client, and which claim values make which role. */
import type { PersonRole, Scope } from '../../../../shared/roles.ts';

export interface OidcRoleRule {
  /** The claim's value (one of a list claim's values) that gives this role. */
  value: string;
  role: PersonRole;
  scope: Scope | null;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Read from a file (--oidc-client-secret-file), never from argv. */
  clientSecret: string;
  /** The claim holding groups or roles (default `groups`). */
  roleClaim: string;
  /** First rule that matches wins; no match: the sign-in is refused. */
  roles: OidcRoleRule[];
  /** Where the provider sends the browser back; by default this coordinator's /api/session/oidc/callback as the browser reached it. */
  redirectUri?: string;
  /** The button's words on the sign-in page. */
  label: string;
}

/** Plain http is allowed only to this PC's own loopback (a provider started by tests); anything else must be https. */
export function allowedOidcUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/** Where the coordinator answers the provider's redirect back. */
export const OIDC_CALLBACK_PATH = '/api/session/oidc/callback';
