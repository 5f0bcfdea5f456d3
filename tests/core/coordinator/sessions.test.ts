/** Signing in: cookie flags, anti-CSRF, idle expiry, logout, password hashing parameters, throttling that never locks the real user out, personal tokens. */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { createUser, person, sessionCookieOf, signIn } from '../../helpers/people.ts';
import { hashParameters, SCRYPT_PARAMS, verifyPassword } from '../../../electron/core/coordinator/people/passwords.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

/** A POST from another loopback address (127.0.0.2): a second PC, as far as the coordinator can tell. */
async function loginFrom(
  c: TestCoordinator,
  localAddress: string,
  body: unknown,
): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  const http = await import('node:http');
  const url = new URL(c.url + '/api/session/login');
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

onBothEngines('sessions', () => {
  let c: TestCoordinator;
  let now = Date.now();
  before(async () => {
    c = await startTestCoordinator({ now: () => now, sessionIdleMinutes: 30 });
  });
  after(() => c.close());

  it('sets the session cookie HttpOnly, Secure, SameSite=Strict, and never shows the password hash', async () => {
    const { password } = await createUser(c, 'maria', 'teacher', { tags: ['room-b'] });
    const res = await c.api('POST', '/api/session/login', { token: null, body: { name: 'maria', password } });
    assert.equal(res.status, 200);
    const set = res.headers.get('set-cookie')!;
    assert.match(set, /^cmdx_session=[A-Za-z0-9_-]{40,};/);
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) assert.ok(set.split('; ').includes(flag), `${flag} in ${set}`);
    assert.equal(res.body.user.role, 'teacher');
    assert.deepEqual(res.body.user.scope, { tags: ['room-b'] });
    assert.match(res.body.csrfToken, /^[A-Za-z0-9_-]{30,}$/);
    const users = await c.api('GET', '/api/users/create');
    assert.ok(!JSON.stringify(users.body).includes('scrypt'), 'no hash in the list');
  });

  it('refuses a change made with the cookie but without the anti-CSRF header, and takes it with the header', async () => {
    const maria = await signIn(c, 'maria', 'maria-password-1234');
    const refused = await maria.api('POST', '/api/tokens/create', { body: { name: 'laptop', expiresInDays: 30 }, csrf: false });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.reason, 'csrf_failed');
    const wrong = await maria.api('POST', '/api/tokens/create', {
      body: { name: 'laptop', expiresInDays: 30 },
      csrf: false,
      headers: { 'x-csrf-token': 'x'.repeat(32) },
    });
    assert.equal(wrong.body.reason, 'csrf_failed');
    const made = await maria.api('POST', '/api/tokens/create', { body: { name: 'laptop', expiresInDays: 30 } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.match(made.body.token, /^cmdx_u_/);
    // A read needs no header.
    assert.equal((await maria.api('GET', '/api/session')).status, 200);
  });

  it('ends a session after the idle time, and on logout', async () => {
    const ana = await person(c, 'ana', 'assistant', { tags: ['room-b'] });
    assert.equal((await ana.api('GET', '/api/session')).status, 200);
    now += 31 * 60_000;
    const idle = await ana.api('GET', '/api/session');
    assert.equal(idle.status, 401);
    assert.equal(idle.body.reason, 'session_expired');
    const again = await signIn(c, 'ana', 'ana-password-1234');
    const out = await again.api('POST', '/api/session/logout');
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
    assert.equal((await again.api('GET', '/api/session')).status, 401);
  });

  it('hashes passwords with scrypt, N=2^15, r=8, p=1, a 16-byte salt and a 32-byte key', async () => {
    const user = c.context.store.users.byName('maria')!;
    assert.deepEqual(hashParameters(user.passwordHash!), { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 });
    assert.equal(SCRYPT_PARAMS.N, 2 ** 15);
    assert.equal(await verifyPassword('maria-password-1234', user.passwordHash), true);
    assert.equal(await verifyPassword('maria-password-1235', user.passwordHash), false);
    // Two hashes of one password differ (the salt).
    const other = await createUser(c, 'same1', 'assistant', null, 'one-shared-password');
    await createUser(c, 'same2', 'assistant', null, 'one-shared-password');
    assert.ok(other.userId);
    assert.notEqual(c.context.store.users.byName('same1')!.passwordHash, c.context.store.users.byName('same2')!.passwordHash);
  });

  it('slows down five wrong passwords from one address, and lets the real user in from their own PC at once', async () => {
    await createUser(c, 'bob', 'teacher', null, 'bob-real-password');
    // The real user signs in from their PC (127.0.0.1) once.
    assert.equal((await loginFrom(c, '127.0.0.1', { name: 'bob', password: 'bob-real-password' })).status, 200);
    // A student at 127.0.0.2 guesses.
    for (let i = 0; i < 5; i++) assert.equal((await loginFrom(c, '127.0.0.2', { name: 'bob', password: `guess-${i}` })).body.reason, 'invalid_credentials');
    const slowed = await loginFrom(c, '127.0.0.2', { name: 'bob', password: 'bob-real-password' });
    assert.equal(slowed.status, 429, 'even the right password waits at the guessing address');
    assert.ok(Number(slowed.headers['retry-after']) >= 1);
    // The real user, from their own PC, is not slowed at all.
    const real = await loginFrom(c, '127.0.0.1', { name: 'bob', password: 'bob-real-password' });
    assert.equal(real.status, 200);
    // After the wait, the guessing address is heard again (one more try, then the wait doubles).
    now += 1100;
    assert.equal((await loginFrom(c, '127.0.0.2', { name: 'bob', password: 'wrong-again' })).status, 401);
    assert.equal((await loginFrom(c, '127.0.0.2', { name: 'bob', password: 'wrong-again' })).status, 429);
  });

  it('takes a personal token for the terminal until it is revoked or expires, and never a disabled person', async () => {
    const { password } = await createUser(c, 'tara', 'teacher', { tags: ['room-b'] });
    const tara = await signIn(c, 'tara', password);
    const made = await tara.api('POST', '/api/tokens/create', { body: { name: 'cli', expiresInDays: 1 } });
    const token = made.body.token as string;
    const me = await c.api('GET', '/api/session', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.name, 'tara');
    assert.equal(me.body.via, 'token');
    const list = await tara.api('GET', '/api/tokens');
    assert.equal(list.body.tokens.length, 1);
    assert.ok(!JSON.stringify(list.body).includes(token), 'a token is shown once');
    now += 2 * 86_400_000;
    const expired = await c.api('GET', '/api/session', { token });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error, /expired/);
    const second = await (await signIn(c, 'tara', password)).api('POST', '/api/tokens/create', { body: { name: 'cli2', expiresInDays: 30 } });
    const revoke = await c.api('POST', '/api/tokens/revoke', { body: { tokenId: second.body.info.tokenId } });
    assert.equal(revoke.status, 200);
    assert.match((await c.api('GET', '/api/session', { token: second.body.token })).body.error, /revoked/);
    const third = await (await signIn(c, 'tara', password)).api('POST', '/api/tokens/create', { body: { name: 'cli3', expiresInDays: 30 } });
    await c.api('POST', '/api/users/disable', { body: { userId: tara.userId } });
    assert.equal((await c.api('GET', '/api/session', { token: third.body.token })).status, 401);
    assert.equal((await c.api('POST', '/api/session/login', { token: null, body: { name: 'tara', password } })).body.reason, 'invalid_credentials');
  });

  it('signs the owner in with the admin token as a session too', async () => {
    const res = await c.api('POST', '/api/session/login', { token: null, body: { token: c.tokens.adminToken } });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.role, 'admin');
    assert.equal(res.body.via, 'admin-token');
    const cookie = sessionCookieOf(res.headers);
    assert.equal((await c.api('GET', '/api/users/create', { token: null, headers: { cookie } })).status, 200);
  });
});
