/**
 * Every row of the endpoint table, called by every kind of caller: each is let through or refused exactly as its
 * `who` says. Generated from the table, so a new endpoint is covered the moment it is added (and one without a
 * rule does not type-check, nor pass the first test here).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINTS, OPERATION_IDS, type Who } from '../../../shared/endpoints/index.ts';
import { PERSON_ROLES, roleAtLeast } from '../../../shared/roles.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { createUser, signIn } from '../../helpers/people.ts';

type Caller = 'owner' | 'admin' | 'teacher' | 'assistant' | 'worker' | 'join' | 'nobody';
const CALLERS: Caller[] = ['owner', 'admin', 'teacher', 'assistant', 'worker', 'join', 'nobody'];
const WHO: readonly Who[] = ['anyone', 'admin', 'teacher', 'assistant', 'worker', 'worker or admin', 'join, admin or the worker itself'];

/** What the table's `who` says of a caller. */
function mayCall(who: Who, caller: Caller): boolean {
  if (who === 'anyone') return true;
  const person = caller === 'owner' ? 'admin' : caller;
  if ((PERSON_ROLES as readonly string[]).includes(who))
    return (PERSON_ROLES as readonly string[]).includes(person) && roleAtLeast(person as 'admin', who as 'admin');
  if (who === 'worker') return caller === 'worker';
  if (who === 'worker or admin') return caller === 'worker' || person === 'admin';
  return caller === 'join' || caller === 'worker' || person === 'admin';
}

describe('roles on every endpoint of the table', () => {
  let c: TestCoordinator;
  const tokens: Partial<Record<Caller, string>> = {};
  before(async () => {
    c = await startTestCoordinator();
    for (const role of ['admin', 'teacher', 'assistant'] as const) {
      const { password } = await createUser(c, `the-${role}`, role);
      const made = await (await signIn(c, `the-${role}`, password)).api('POST', '/api/tokens/create', { body: { name: 'test', expiresInDays: 1 } });
      tokens[role] = made.body.token;
    }
    tokens.owner = c.tokens.adminToken;
    tokens.worker = await c.register('pc-roles');
  });
  after(() => c.close());

  it('gives every row a rule', () => {
    assert.ok(OPERATION_IDS.length >= 80, `the table has ${OPERATION_IDS.length} rows`);
    for (const op of OPERATION_IDS) assert.ok(WHO.includes(ENDPOINTS[op].who), `${op} says who: ${ENDPOINTS[op].who}`);
  });

  for (const op of OPERATION_IDS) {
    const endpoint = ENDPOINTS[op];
    it(`${endpoint.method.toUpperCase()} ${endpoint.path} (${endpoint.who})`, async () => {
      for (const caller of CALLERS) {
        // The join token in force now: an admin's row may have rotated it.
        const token = caller === 'join' ? c.context.settings.tokens.joinToken : caller === 'nobody' ? null : tokens[caller]!;
        const path = endpoint.path.replace(/\{\w+\}/g, 'x.zip') + (endpoint.method === 'get' ? '?wait=0' : '');
        const res = await c.api(endpoint.method.toUpperCase(), path, { token, ...(endpoint.method === 'get' ? {} : { body: {} }) });
        const refusedByRule = res.status === 401 || (res.status === 403 && (res.body?.reason === 'role_required' || res.body?.reason === 'forbidden'));
        if (mayCall(endpoint.who, caller)) {
          assert.ok(!refusedByRule, `${caller} may call ${op} but got ${res.status} ${JSON.stringify(res.body)}`);
        } else {
          const expected = caller === 'nobody' ? 401 : 403;
          assert.equal(res.status, expected, `${caller} may not call ${op}: ${res.status} ${JSON.stringify(res.body)}`);
          if (caller !== 'nobody') assert.equal(res.body.reason, ['worker', 'join'].includes(caller) ? 'forbidden' : 'role_required', op);
        }
      }
    });
  }
});
