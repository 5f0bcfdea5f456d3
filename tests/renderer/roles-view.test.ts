/** The dashboard by role without a browser: what it shows a role agrees with what the coordinator allows it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENDPOINTS, OPERATION_IDS } from '../../shared/endpoints/index.ts';
import { PERSON_ROLES } from '../../shared/roles.ts';
import { allowed, type Person } from '../../electron/core/coordinator/http/auth.ts';
import { can } from '../../renderer/lib/can.ts';
import { personLine } from '../../renderer/lib/person-words.ts';

describe('the dashboard by role', () => {
  it("shows a control exactly when the coordinator's rule for its endpoint lets the role call it", () => {
    for (const role of PERSON_ROLES) {
      const person: Person = { role, userId: 'u-1', name: 'maria', displayName: null, scope: null, via: 'password' };
      for (const op of OPERATION_IDS) assert.equal(can(role, op), allowed(ENDPOINTS[op].who, person), `${role} ${op}`);
    }
    assert.equal(can('assistant', 'postRunsComment'), true, 'an assistant writes feedback');
    assert.equal(can('assistant', 'postRunsCreate'), false);
    assert.equal(can('teacher', 'postWorkersJoinRequestsApprove'), false);
    assert.equal(can('teacher', 'getAudit'), false);
  });

  it('says who is signed in: display name, role and, below an admin, the rooms', () => {
    assert.equal(personLine({ name: 'maria', displayName: 'Maria Rossi', role: 'teacher', scope: { tags: ['room-b'] } }), 'Maria Rossi · teacher · room-b');
    assert.equal(personLine({ name: 'sam', displayName: null, role: 'assistant', scope: null }), 'sam · assistant · every PC');
    assert.equal(personLine({ name: 'owner (admin token)', displayName: null, role: 'admin', scope: null }), 'owner (admin token) · admin');
  });
});
