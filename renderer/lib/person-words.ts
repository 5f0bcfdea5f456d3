/** A person in a few words: "Maria Rossi · teacher · room-b", and a scope of rooms as the dashboard says it. */
import type { PersonRole, Scope } from '../../shared/roles.ts';

/** The rooms (worker tags) of a scope; null: every PC. */
export function scopeWords(scope: Scope | null): string {
  return scope ? scope.tags.join(', ') : 'every PC';
}

/** Who is signed in, for the header: name, role, and the rooms of a teacher or an assistant (an admin has them all). */
export function personLine(user: { name: string; displayName: string | null; role: PersonRole; scope: Scope | null }): string {
  const parts = [user.displayName ?? user.name, user.role];
  if (user.role !== 'admin') parts.push(scopeWords(user.scope));
  return parts.join(' · ');
}

/** "an admin", "a teacher", "an assistant". */
export function aRole(role: PersonRole): string {
  return role === 'teacher' ? 'a teacher' : `an ${role}`;
}
