/** What a role may do, read from the endpoint table's `who`: the rule the coordinator enforces, so a control and the server never disagree. */
import { ENDPOINTS, type OperationId } from '../../shared/endpoints/index.ts';
import { PERSON_ROLES, roleAtLeast, type PersonRole } from '../../shared/roles.ts';

function isRole(who: string): who is PersonRole {
  return (PERSON_ROLES as readonly string[]).includes(who);
}

/** Whether a person of `role` may call `operation`. */
export function can(role: PersonRole, operation: OperationId): boolean {
  const who = ENDPOINTS[operation].who;
  if (who === 'anyone') return true;
  if (isRole(who)) return roleAtLeast(role, who);
  // A machine's endpoint ('worker or admin', ...): of people, only an admin may call it.
  return role === 'admin' && who.includes('admin');
}
