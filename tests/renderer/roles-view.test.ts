/** The dashboard by role without a browser: what it shows a role agrees with what the coordinator allows it, and audit rows read as sentences. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENDPOINTS, OPERATION_IDS } from '../../shared/endpoints/index.ts';
import { PERSON_ROLES, type AuditEntryDto } from '../../shared/roles.ts';
import { allowed, type Person } from '../../electron/core/coordinator/http/auth.ts';
import { can } from '../../renderer/lib/can.ts';
import { historyLine } from '../../renderer/lib/audit-words.ts';
import { personLine } from '../../renderer/lib/person-words.ts';
import { clock } from '../../renderer/lib/format.ts';

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

  it("reads a thing's history as sentences, a refused attempt said in words", () => {
    const now = Date.parse('2026-12-07T14:30:00Z');
    const at = '2026-12-07T14:02:00Z';
    const row: AuditEntryDto = {
      seq: 1,
      at,
      actor: 'maria',
      userId: 'u-1',
      role: 'teacher',
      via: 'password',
      address: '::ffff:10.0.3.17',
      action: 'execute',
      targets: ['job:job-1'],
      outcome: 'ok',
      reason: null,
      detail: null,
    };
    assert.equal(historyLine(row, now), `Run by maria, ${clock(Date.parse(at))}, from 10.0.3.17`);
    assert.equal(
      historyLine({ ...row, actor: 'sam', action: 'jobs.cancel', outcome: 'refused', reason: 'role_required' }, now),
      `Refused for sam: jobs.cancel (their role may not), ${clock(Date.parse(at))}, from 10.0.3.17`,
    );
    assert.match(historyLine({ ...row, at: '2026-12-01T09:00:00Z', address: null }, now), /^Run by maria, (1 Dec|Dec 1) \d/);
  });
});
