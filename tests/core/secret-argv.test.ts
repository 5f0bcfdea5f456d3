/** Tokens never stay in a long-running process's argv: the flags that carry them move into the environment. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretFreeArgv } from '../../electron/core/secret-argv.ts';

describe('secretFreeArgv', () => {
  it('moves --join, --join-token, --admin-token and --token, as "--flag VALUE" or "--flag=VALUE", into variables', () => {
    const line = 'cmdx://10.0.0.5:3000/?fp=ab&token=cmdx_j_secret';
    assert.deepEqual(
      secretFreeArgv(['worker', '--join', line, '--name', 'pc-07', '--join-token=cmdx_j_x', '--admin-token', 'cmdx_a_y', '--token', 'cmdx_a_z']),
      {
        argv: ['worker', '--name', 'pc-07'],
        env: { CMDX_JOIN: line, CMDX_JOIN_TOKEN: 'cmdx_j_x', CMDX_ADMIN_TOKEN: 'cmdx_a_y', CMDX_TOKEN: 'cmdx_a_z' },
      },
    );
  });

  it('leaves argv alone without secrets, after "--", and for a flag with no value (the parser says so)', () => {
    assert.equal(secretFreeArgv(['worker', '--server', 'https://x']), undefined);
    assert.equal(secretFreeArgv(['submit', '--', '--token', 'not-a-flag']), undefined);
    assert.equal(secretFreeArgv(['worker', '--join-token', '--name', 'x']), undefined);
  });
});
