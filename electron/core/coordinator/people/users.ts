/** People: created, changed, disabled and listed by an admin. An admin has no scope; a teacher's or assistant's scope names rooms (worker tags). */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { createUserBody, updateUserBody, UserDto } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import type { UserRecord } from '../state/repositories/users.ts';
import { Refused } from '../refused.ts';
import { auditTarget } from '../audit/audit-context.ts';
import { hashPassword, newPassword } from './passwords.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function userDto(store: Store, user: UserRecord): UserDto {
  return {
    userId: user.userId,
    name: user.name,
    displayName: user.displayName,
    role: user.role,
    scope: user.scope,
    signIn: user.oidcSubject ? 'oidc' : user.passwordHash ? 'password' : 'none',
    disabled: user.disabledAt !== null,
    createdAt: new Date(user.createdAt).toISOString(),
    lastActiveAt: iso(user.lastActiveAt),
    tokens: store.users.liveTokenCount(user.userId, store.now()),
  };
}

export function listUsers(store: Store): UserDto[] {
  return store.users.all().map((user) => userDto(store, user));
}

export function userNotFound(userId: string): Refused {
  return new Refused('user_not_found', `No person ${userId} here; GET /api/users/create lists them.`);
}

/** An admin sees every PC: a scope given to one is dropped. */
function scopeFor(role: UserRecord['role'], scope: UserRecord['scope'] | undefined): UserRecord['scope'] {
  return role === 'admin' ? null : (scope ?? null);
}

export async function createUser(store: Store, body: z.infer<typeof createUserBody>): Promise<{ user: UserDto; initialPassword: string | null }> {
  if (store.users.byName(body.name)) throw new Refused('user_exists', `There is already a person named ${body.name}; choose another name.`);
  const initialPassword = body.password ? null : newPassword();
  const passwordHash = await hashPassword(body.password ?? initialPassword!);
  const user: UserRecord = {
    userId: `user-${randomBytes(6).toString('hex')}`,
    name: body.name,
    displayName: body.displayName ?? null,
    role: body.role,
    scope: scopeFor(body.role, body.scope),
    passwordHash,
    oidcSubject: null,
    disabledAt: null,
    createdAt: store.now(),
    lastActiveAt: null,
  };
  store.db.transaction(() => {
    // The name was free a moment ago, but hashing awaited: check again inside the transaction.
    if (store.users.byName(body.name)) throw new Refused('user_exists', `There is already a person named ${body.name}; choose another name.`);
    store.users.insert(user);
    auditTarget('user', user.userId);
  });
  return { user: userDto(store, user), initialPassword };
}

export async function updateUser(store: Store, body: z.infer<typeof updateUserBody>): Promise<{ user: UserDto; newPassword: string | null }> {
  const before = store.users.get(body.userId);
  if (!before) throw userNotFound(body.userId);
  const password = body.resetPassword ? newPassword() : null;
  const passwordHash = password ? await hashPassword(password) : undefined;
  const user = store.db.transaction(() => {
    const current = store.users.get(body.userId);
    if (!current) throw userNotFound(body.userId);
    const role = body.role ?? current.role;
    const next: UserRecord = {
      ...current,
      displayName: body.displayName ?? current.displayName,
      role,
      scope: scopeFor(role, body.scope === undefined ? current.scope : body.scope),
      passwordHash: passwordHash ?? current.passwordHash,
    };
    store.users.update(next);
    // A changed role, scope or password takes effect now: sessions started under the old ones end.
    if (role !== current.role || JSON.stringify(next.scope) !== JSON.stringify(current.scope) || passwordHash) store.users.deleteSessionsOf(current.userId);
    return next;
  });
  return { user: userDto(store, user), newPassword: password };
}

/** Disables (or enables again) a person: a disabled person's sessions end and their tokens are refused. */
export function setUserEnabled(store: Store, userId: string, enabled: boolean): UserDto {
  const user = store.db.transaction(() => {
    const current = store.users.get(userId);
    if (!current) throw userNotFound(userId);
    const next = { ...current, disabledAt: enabled ? null : (current.disabledAt ?? store.now()) };
    store.users.update(next);
    if (!enabled) store.users.deleteSessionsOf(userId);
    return next;
  });
  return userDto(store, user);
}
