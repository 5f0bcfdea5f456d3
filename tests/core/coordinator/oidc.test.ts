/**
 * Sign-in with the school's accounts against a real OpenID provider (oidc-provider) on loopback: the whole browser
 * flow with fetch, a group claim mapped to a role, the person made just in time and kept up to date, and the
 * refusals (no rule, a name taken, a disabled person, a tampered state, a provider that cannot be reached).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { createUser } from '../../helpers/people.ts';
import { browse, CookieJar, startTestProvider, type TestProvider } from '../../helpers/oidc-provider.ts';
import { parseRoleMap } from '../../../electron/core/options/oidc-options.ts';
import type { OidcSettings } from '../../../electron/core/coordinator/people/oidc-settings.ts';
import { PENDING_TTL_MS, PendingSignIns } from '../../../electron/core/coordinator/people/oidc-pending.ts';
import { signInName } from '../../../electron/core/coordinator/people/oidc-users.ts';

const CLIENT = { clientId: 'cmdx-lab', clientSecret: 'a-client-secret-for-the-test-provider' };

function oidcSettings(issuer: string): OidcSettings {
  return { issuer, ...CLIENT, roleClaim: 'groups', roles: parseRoleMap(['room-b-tas=assistant@room-b, teachers=teacher@room-b']), label: 'School account' };
}

describe('sign-in with school accounts (OpenID Connect)', () => {
  let provider: TestProvider;
  let c: TestCoordinator;
  before(async () => {
    provider = await startTestProvider();
    c = await startTestCoordinator({ oidc: oidcSettings(provider.issuer) });
    provider.register({ ...CLIENT, redirectUri: `${c.url}/api/session/oidc/callback` });
    provider.accounts.set('sub-maria', {
      preferred_username: 'maria.rossi',
      name: 'Maria Rossi',
      email: 'maria@school.example',
      groups: ['staff', 'teachers'],
    });
    provider.accounts.set('sub-bob', { preferred_username: 'bob', groups: ['students'] });
    provider.accounts.set('sub-carla', { preferred_username: 'carla', groups: ['teachers'] });
  });
  after(async () => {
    await c?.close();
    await provider?.close();
  });

  /** A fresh browser signs in as `subject` at the provider, starting from the dashboard's button. */
  async function signInAs(subject: string, rewrite?: (url: URL) => URL) {
    provider.signInAs(subject);
    const jar = new CookieJar();
    const { landed, hops } = await browse(jar, `${c.url}/api/session/oidc`, rewrite);
    return { jar, landed, hops, session: jar.get(new URL(c.url), 'cmdx_session') };
  }

  const lastLogin = async () => (await c.api('GET', '/api/audit?action=session.login&limit=1')).body.entries[0];

  it('tells the login page the button, and signs in a teacher through the provider with the groups claim', async () => {
    const options = await c.api('GET', '/api/session/options', { token: null });
    assert.deepEqual(options.body.oidc, { label: 'School account' });

    const { landed, hops, session } = await signInAs('sub-maria');
    assert.equal(landed.hash, '#/');
    assert.equal(hops[0]!.status, 302);
    const pendingCookie = hops[0]!.setCookies.find((line) => line.startsWith('cmdx_oidc='))!;
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/api/session/oidc']) assert.ok(pendingCookie.split('; ').includes(flag), pendingCookie);
    const toProvider = new URL(hops[1]!.url);
    assert.equal(toProvider.origin, provider.issuer);
    assert.equal(toProvider.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(toProvider.searchParams.get('nonce') && toProvider.searchParams.get('state'));
    const callback = hops.at(-1)!;
    assert.equal(callback.url.pathname, '/api/session/oidc/callback');
    assert.ok(callback.setCookies.some((line) => /^cmdx_session=.*SameSite=Strict/.test(line)));

    const me = await c.api('GET', '/api/session', { token: null, headers: { cookie: `cmdx_session=${session}` } });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.via, 'oidc');
    assert.deepEqual(me.body.user, {
      userId: me.body.user.userId,
      name: 'maria.rossi',
      displayName: 'Maria Rossi',
      role: 'teacher',
      scope: { tags: ['room-b'] },
    });
    const users = (await c.api('GET', '/api/users/create')).body.users as { name: string; signIn: string }[];
    assert.equal(users.find((u) => u.name === 'maria.rossi')?.signIn, 'oidc');
    assert.equal((await lastLogin()).outcome, 'ok');
  });

  it('brings the role up to date from the claims at the next sign-in, as the same person', async () => {
    const before = (await c.api('GET', '/api/users/create')).body.users.length;
    provider.accounts.get('sub-maria')!.groups = ['room-b-tas'];
    const { session } = await signInAs('sub-maria');
    const me = await c.api('GET', '/api/session', { token: null, headers: { cookie: `cmdx_session=${session}` } });
    assert.equal(me.body.user.role, 'assistant');
    assert.equal((await c.api('GET', '/api/users/create')).body.users.length, before);
    const change = (await c.api('GET', '/api/audit?action=users.update&limit=1')).body.entries[0];
    assert.deepEqual([change.actor, change.via, change.detail], ['maria.rossi', 'oidc', "role assistant in room-b from the school account's room-b-tas"]);
    provider.accounts.get('sub-maria')!.groups = ['teachers'];
  });

  it('refuses a claim no rule maps, back to the login page with no_role and an audit row', async () => {
    const { landed, session } = await signInAs('sub-bob');
    assert.equal(landed.hash, '#/login?error=no_role');
    assert.equal(session, undefined);
    const row = await lastLogin();
    assert.deepEqual([row.actor, row.via, row.outcome, row.reason], ['bob', 'oidc', 'refused', 'no_role']);
    const users = (await c.api('GET', '/api/users/create')).body.users as { name: string }[];
    assert.ok(!users.some((u) => u.name === 'bob'), 'nobody was made');
  });

  it('refuses a tampered state, and never signs anyone in with it', async () => {
    const tamper = (url: URL) => {
      if (url.pathname === '/api/session/oidc/callback') url.searchParams.set('state', `${url.searchParams.get('state')}x`);
      return url;
    };
    const { landed, session } = await signInAs('sub-maria', tamper);
    assert.equal(landed.hash, '#/login?error=state');
    assert.equal(session, undefined);
    const row = await lastLogin();
    assert.deepEqual([row.outcome, row.reason], ['refused', 'state']);
  });

  it('refuses a callback brought to a browser that did not start the sign-in', async () => {
    let stolen: URL | undefined;
    // The first browser stops just before its callback; its address goes to another browser, without the pending cookie.
    const stop = (url: URL) => {
      if (url.pathname !== '/api/session/oidc/callback') return url;
      stolen = url;
      throw new Error('stopped before the callback');
    };
    await assert.rejects(signInAs('sub-maria', stop), /stopped before the callback/);
    const { landed } = await browse(new CookieJar(), stolen!.href);
    assert.equal(landed.hash, '#/login?error=state');
  });

  it('does not let a school account in as a password user of the same name', async () => {
    await createUser(c, 'carla', 'admin');
    const { landed, session } = await signInAs('sub-carla');
    assert.equal(landed.hash, '#/login?error=name_taken');
    assert.equal(session, undefined);
  });

  it('refuses a person an admin disabled', async () => {
    const maria = (await c.api('GET', '/api/users/create')).body.users.find((u: { name: string }) => u.name === 'maria.rossi');
    assert.equal((await c.api('POST', '/api/users/disable', { body: { userId: maria.userId } })).status, 200);
    const { landed } = await signInAs('sub-maria');
    assert.equal(landed.hash, '#/login?error=disabled');
  });
});

describe('sign-in with school accounts when the provider cannot be reached', () => {
  it('answers 503 with a sentence naming the issuer', async () => {
    const closed = await freePort();
    const issuer = `http://127.0.0.1:${closed}`;
    const c = await startTestCoordinator({ oidc: oidcSettings(issuer) });
    try {
      const res = await c.api('GET', '/api/session/oidc', { token: null });
      assert.equal(res.status, 503);
      assert.equal(res.body.reason, 'unavailable');
      assert.match(res.body.error, new RegExp(`The school's sign-in \\(${issuer}\\) could not be reached`));
    } finally {
      await c.close();
    }
  });
});

describe('pending sign-ins and sign-in names', () => {
  const request = (state: string) => ({ state, nonce: 'n', codeVerifier: 'v', redirectUri: 'https://cmdx.school.example/api/session/oidc/callback' });

  it('gives a pending sign-in once, to the browser that started it, for 10 minutes', () => {
    let now = 0;
    const pending = new PendingSignIns(() => now);
    const a = pending.add(request('a'));
    assert.equal(pending.take('a', 'another browser'), undefined);
    assert.equal(pending.take('a', a.browser)?.state, 'a');
    assert.equal(pending.take('a', a.browser), undefined, 'used up');
    const b = pending.add(request('b'));
    now += PENDING_TTL_MS + 1;
    assert.equal(pending.take('b', b.browser), undefined, 'expired');
  });

  it('keeps at most 5000, dropping the oldest', () => {
    const pending = new PendingSignIns(() => 0);
    const first = pending.add(request('s0'));
    for (let i = 1; i <= 5000; i++) pending.add(request(`s${i}`));
    assert.equal(pending.size, 5000);
    assert.equal(pending.take('s0', first.browser), undefined);
  });

  it('makes names fit the user-name pattern, falling back from preferred_username to email to the subject', () => {
    assert.equal(signInName({ preferred_username: 'José Müller' }, 's'), 'Jose-Muller');
    assert.equal(signInName({ preferred_username: '..', email: 'ana@school.example' }, 's'), 'ana@school.example');
    assert.equal(signInName({}, 'f3c1-77'), 'f3c1-77');
    assert.match(signInName({}, '!!!'), /^oidc-[0-9a-f]{12}$/);
  });
});

/** A port nothing listens on (it was free a moment ago, and loopback ports are not reused at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
