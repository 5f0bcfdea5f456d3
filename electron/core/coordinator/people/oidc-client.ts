/**
 * The coordinator as an OpenID Connect client (openid-client): discovery at first use, the authorization code flow
 * with PKCE, state and nonce, and the claims of the ID token (with the UserInfo answer where the ID token lacks some).
 */
import * as client from 'openid-client';
import { allowedOidcUrl, type OidcSettings } from './oidc-settings.ts';
import { OidcRefusal } from './oidc-refusal.ts';

export type Claims = Record<string, unknown>;

/** Asked for at every provider; groups come with them where the provider is set up to send them (docs/security.md). */
const SCOPE = 'openid profile email';
const PROVIDER_TIMEOUT_SECONDS = 10;

export interface AuthorizationRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

export class OidcClient {
  readonly #settings: OidcSettings;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(settings: OidcSettings) {
    this.#settings = settings;
  }

  /** The provider's metadata, fetched once; a failed fetch is forgotten, so the next sign-in tries again. */
  configuration(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  /** A fresh state, nonce and PKCE verifier for one sign-in. */
  static newRequest(redirectUri: string): AuthorizationRequest {
    return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), redirectUri };
  }

  /** Where to send the browser. */
  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    const configuration = await this.configuration();
    return client.buildAuthorizationUrl(configuration, {
      redirect_uri: request.redirectUri,
      scope: SCOPE,
      state: request.state,
      nonce: request.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /** Exchanges the code the browser brought back (`callback`: the redirect URI with the provider's query) for the person's claims. */
  async claims(request: AuthorizationRequest, callback: URL): Promise<Claims> {
    const configuration = await this.configuration();
    const tokens = await client
      .authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      })
      .catch((error: unknown) => {
        throw providerRefusal(error, 'the code exchange');
      });
    const idClaims: Claims = { ...tokens.claims()! };
    if (!this.#needsUserInfo(idClaims) || !configuration.serverMetadata().userinfo_endpoint) return idClaims;
    const info = await client.fetchUserInfo(configuration, tokens.access_token, String(idClaims.sub)).catch((error: unknown) => {
      throw providerRefusal(error, 'UserInfo');
    });
    // The ID token wins where both say something.
    return { ...info, ...idClaims };
  }

  /** Keycloak and others put scope claims (groups, the name) only in the UserInfo answer of a code flow. */
  #needsUserInfo(claims: Claims): boolean {
    return claimAt(claims, this.#settings.roleClaim) === undefined || (claims.preferred_username === undefined && claims.email === undefined);
  }

  async #discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.#settings;
    const server = new URL(issuer);
    const insecure = server.protocol === 'http:' && allowedOidcUrl(server);
    try {
      return await client.discovery(server, clientId, undefined, client.ClientSecretBasic(clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // Plain http only to a provider on loopback (tests); settings refuse any other http issuer.
        execute: insecure ? [client.allowInsecureRequests] : [],
      });
    } catch (error) {
      throw new OidcRefusal(
        'unavailable',
        `The school's sign-in (${issuer}) could not be reached or did not describe itself (${describe(error)}); check --oidc-issuer and this PC's network, then try again.`,
      );
    }
  }
}

/** A claim by name, or by a dotted path into nested objects (Keycloak's realm_access.roles). */
export function claimAt(claims: Claims, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Claims)[part];
  }
  return value;
}

/** What went wrong with the provider, as a refusal: unreachable, or it (or its answer) said no. */
function providerRefusal(error: unknown, step: string): OidcRefusal {
  if (error instanceof OidcRefusal) return error;
  const network = error instanceof TypeError || (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError';
  return new OidcRefusal(network ? 'unavailable' : 'provider', `The school's sign-in failed at ${step}: ${describe(error)}.`);
}

function describe(error: unknown): string {
  const e = error as { message?: string; error?: string; error_description?: string; cause?: { message?: string; code?: string } };
  const detail = e?.error ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}` : (e?.message ?? String(error));
  const cause = e?.cause?.code ?? e?.cause?.message;
  return (cause && typeof cause === 'string' && !detail.includes(cause) ? `${detail} (${cause})` : detail).slice(0, 300);
}
