/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 for sign-in tests, and a browser made of fetch: redirects
 * followed by hand, cookies kept by hand per origin. The provider's login and consent are one step that signs in
 * whichever account the test names (`signInAs`), through its interactionDetails/interactionFinished API.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  preferred_username?: string;
  name?: string;
  email?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  /** Registers the client (called once the coordinator's callback address is known). */
  register(client: { clientId: string; clientSecret: string; redirectUri: string }): void;
  accounts: Map<string, TestAccount>;
  /** The subject the next login at the provider signs in. */
  signInAs(subject: string): void;
  close(): Promise<void>;
}

/** Starts the HTTP server at once (its port is the issuer); the provider itself comes with register(). */
export async function startTestProvider(): Promise<TestProvider> {
  let provider: Provider | undefined;
  let subject = '';
  const accounts = new Map<string, TestAccount>();
  const server = createServer((req, res) => {
    if (!provider) return void res.writeHead(503).end('no client registered yet');
    if (req.url?.startsWith('/interaction/')) return void finishInteraction(provider, subject, req, res);
    return void provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    accounts,
    register: (client) => (provider = newProvider(issuer, client, accounts)),
    signInAs: (sub) => (subject = sub),
    close: () => closeServer(server),
  };
}

function newProvider(issuer: string, client: { clientId: string; clientSecret: string; redirectUri: string }, accounts: Map<string, TestAccount>) {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return new Provider(issuer, {
    clients: [{ client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: [client.redirectUri] }],
    jwks: { keys: [{ ...key, kid: 'test', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['a cookie key for the test provider'] },
    // groups rides in the profile scope, which the coordinator asks for; in a code flow it arrives from UserInfo.
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'], email: ['email'] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: () => ({ sub, ...account }) };
    },
  });
}

/** Login and consent in one: the account the test chose, every scope asked for granted. */
async function finishInteraction(provider: Provider, accountId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(500).end(`interaction failed: ${(error as Error).message}`);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Cookies by origin, as Set-Cookie headers left them (a Max-Age=0 cookie is removed). */
export class CookieJar {
  readonly #byOrigin = new Map<string, Map<string, string>>();

  header(url: URL): Record<string, string> {
    const cookies = this.#byOrigin.get(url.origin);
    return cookies?.size ? { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }

  keep(url: URL, setCookies: string[]): void {
    const cookies = this.#byOrigin.get(url.origin) ?? new Map<string, string>();
    this.#byOrigin.set(url.origin, cookies);
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const gone = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (gone || eq === pair.length - 1) cookies.delete(pair.slice(0, eq));
      else cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  get(url: URL, name: string): string | undefined {
    return this.#byOrigin.get(url.origin)?.get(name);
  }
}

export interface Hop {
  url: URL;
  status: number;
  setCookies: string[];
}

/**
 * Follows redirects from `start` the way a browser would, until one leads into the dashboard (a `#/` address);
 * `rewrite` may change an address before it is requested (a tampered callback).
 */
export async function browse(jar: CookieJar, start: string, rewrite: (url: URL) => URL = (url) => url): Promise<{ landed: URL; hops: Hop[] }> {
  const hops: Hop[] = [];
  let url = rewrite(new URL(start));
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: jar.header(url), signal: AbortSignal.timeout(20_000) });
    const setCookies = res.headers.getSetCookie();
    jar.keep(url, setCookies);
    hops.push({ url, status: res.status, setCookies });
    const body = await res.text();
    const location = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || !location) throw new Error(`${url.href} answered ${res.status}: ${body.slice(0, 500)}`);
    const next = new URL(location, url);
    if (next.hash.startsWith('#/')) return { landed: next, hops };
    url = rewrite(next);
  }
  throw new Error(`more than 20 redirects from ${start}`);
}
