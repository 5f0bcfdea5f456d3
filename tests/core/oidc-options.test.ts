/** The --oidc-* flags of `cmdx coordinator`: what they make, and a sentence for each mistake. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COORDINATOR_OPTIONS } from '../../electron/core/options/coordinator-options.ts';
import { oidcSettingsFrom, parseRoleMap } from '../../electron/core/options/oidc-options.ts';
import { parseOptions } from '../../electron/core/options/parse-options.ts';

const BASE = ['--oidc-issuer', 'https://login.school.example/realms/school', '--oidc-client-id', 'cmdx', '--oidc-client-secret-file', '/etc/cmdx/oidc-secret'];
const secret = (file: string) => {
  if (file === '/etc/cmdx/oidc-secret') return 's3cret-from-the-provider\n';
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};

function settings(args: string[]) {
  return oidcSettingsFrom(parseOptions(COORDINATOR_OPTIONS, args, {}), secret);
}

describe('the --oidc-* flags', () => {
  it('are off without --oidc-issuer', () => {
    assert.equal(settings([]), undefined);
  });

  it('make the settings: the secret from its file, the map in order, the defaults', () => {
    const made = settings([...BASE, '--oidc-role-map', 'teachers=teacher, room-b-tas=assistant@room-b+room-c', '--oidc-role-map', '/admins=admin']);
    assert.deepEqual(made, {
      issuer: 'https://login.school.example/realms/school',
      clientId: 'cmdx',
      clientSecret: 's3cret-from-the-provider',
      roleClaim: 'groups',
      roles: [
        { value: 'teachers', role: 'teacher', scope: null },
        { value: 'room-b-tas', role: 'assistant', scope: { tags: ['room-b', 'room-c'] } },
        { value: '/admins', role: 'admin', scope: null },
      ],
      redirectUri: undefined,
      label: 'School account',
    });
  });

  it('take plain http only on loopback', () => {
    const loopback = settings(['--oidc-issuer', 'http://127.0.0.1:4000', ...BASE.slice(2), '--oidc-role-map', 'x=teacher']);
    assert.equal(loopback?.issuer, 'http://127.0.0.1:4000');
    assert.throws(() => settings(['--oidc-issuer', 'http://login.school.example', ...BASE.slice(2), '--oidc-role-map', 'x=teacher']), {
      message: /--oidc-issuer must be an https:\/\/ address; plain http is accepted only on this PC's loopback/,
    });
  });

  it('refuse what cannot work, each with its own sentence', () => {
    const cases: [string[], RegExp][] = [
      [['--oidc-client-id', 'cmdx'], /--oidc-client-id needs --oidc-issuer/],
      [[BASE[0]!, BASE[1]!, '--oidc-role-map', 'x=teacher'], /--oidc-issuer needs --oidc-client-id/],
      [[...BASE.slice(0, 4), '--oidc-role-map', 'x=teacher'], /--oidc-issuer needs --oidc-client-secret-file FILE/],
      [[...BASE], /--oidc-issuer needs --oidc-role-map/],
      [[...BASE.slice(0, 5), '/nope', '--oidc-role-map', 'x=teacher'], /cannot read \/nope \(ENOENT\)/],
      [[...BASE, '--oidc-role-map', 'teachers'], /"teachers" is not VALUE=ROLE/],
      [[...BASE, '--oidc-role-map', 'teachers=boss'], /names no role \(roles: admin, teacher, assistant\)/],
      [[...BASE, '--oidc-role-map', 'it=admin@room-b'], /gives an admin rooms/],
      [[...BASE, '--oidc-role-map', 'tas=assistant@room b'], /names the room "room b", which is not a worker tag/],
      [[...BASE, '--oidc-role-map', 'x=teacher', '--oidc-redirect-uri', 'https://cmdx.school.example/callback'], /must end in \/api\/session\/oidc\/callback/],
      [[...BASE, '--oidc-role-map', 'x=teacher', '--no-auth'], /--no-auth turns sign-in off/],
    ];
    for (const [args, message] of cases) assert.throws(() => settings(args), { message }, args.join(' '));
  });

  it('read a claim value that holds an = up to the last one', () => {
    assert.deepEqual(parseRoleMap(['CN=teachers=teacher']), [{ value: 'CN=teachers', role: 'teacher', scope: null }]);
  });
});
