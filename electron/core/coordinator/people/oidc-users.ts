/**
 * A school account's claims made into a person here, just in time: the role and rooms come from the first
 * --oidc-role-map rule the role claim matches, on every sign-in. A name already used by another person is never
 * taken over, and a disabled person stays out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { USER_NAME_PATTERN } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import type { UserRecord } from '../state/repositories/users.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { claimAt, type Claims } from './oidc-client.ts';
import type { OidcRoleRule, OidcSettings } from './oidc-settings.ts';
import { OidcRefusal } from './oidc-refusal.ts';

export interface OidcIdentity {
  subject: string;
  /** The sign-in name here (USER_NAME_PATTERN). */
  name: string;
  displayName: string | null;
  /** The role claim's values (a string claim is one value). */
  values: string[];
}

export function identityFrom(claims: Claims, roleClaim: string): OidcIdentity {
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (!subject) throw new OidcRefusal('provider', 'The ID token names no subject (sub).');
  return { subject, name: signInName(claims, subject), displayName: displayNameOf(claims), values: claimValues(claimAt(claims, roleClaim)) };
}

function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** preferred_username, else email, else the subject, made to fit USER_NAME_PATTERN; the subject's digest if none fits. */
export function signInName(claims: Claims, subject: string): string {
  for (const candidate of [claims.preferred_username, claims.email, subject]) {
    if (typeof candidate !== 'string') continue;
    const name = candidate
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9._@-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 64);
    if (USER_NAME_PATTERN.test(name)) return name;
  }
  return `oidc-${createHash('sha256').update(subject).digest('hex').slice(0, 12)}`;
}

function displayNameOf(claims: Claims): string | null {
  const given = [claims.given_name, claims.family_name].filter((part) => typeof part === 'string').join(' ');
  const raw = typeof claims.name === 'string' ? claims.name : given;
  const clean = raw
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .trim()
    .slice(0, 120);
  return clean || null;
}

/** The first rule one of the values matches (rules in --oidc-role-map order). */
export function ruleFor(values: string[], rules: OidcRoleRule[]): OidcRoleRule | undefined {
  return rules.find((rule) => values.includes(rule.value));
}

/** The person this school account is here: made on first sign-in, role and rooms brought up to date on every one. */
export function signInOidcUser(store: Store, settings: OidcSettings, identity: OidcIdentity, address: string | null): UserRecord {
  const rule = ruleFor(identity.values, settings.roles);
  if (!rule) {
    const seen = identity.values.length ? identity.values.slice(0, 10).join(', ') : 'none';
    throw new OidcRefusal('no_role', `No --oidc-role-map rule matches ${identity.name}'s ${settings.roleClaim} (values: ${seen.slice(0, 300)}).`);
  }
  const scope = rule.role === 'admin' ? null : rule.scope;
  return store.db.transaction(() => {
    const existing = store.users.byOidcSubject(identity.subject);
    return existing ? updated(store, existing, identity, rule, scope, address) : created(store, identity, rule, scope, address);
  });
}

function updated(store: Store, user: UserRecord, identity: OidcIdentity, rule: OidcRoleRule, scope: UserRecord['scope'], address: string | null): UserRecord {
  if (user.disabledAt !== null) throw new OidcRefusal('disabled', `${user.name} is disabled here; an admin can enable them again.`);
  const next: UserRecord = { ...user, role: rule.role, scope, displayName: identity.displayName ?? user.displayName };
  const changed = next.role !== user.role || JSON.stringify(next.scope) !== JSON.stringify(user.scope);
  if (!changed && next.displayName === user.displayName) return user;
  store.users.update(next);
  if (!changed) return next;
  // As when an admin changes a role: sessions started under the old one end.
  store.users.deleteSessionsOf(user.userId);
  audit(store, next, 'users.update', `role ${next.role}${scopeText(next)} from the school account's ${rule.value}`, address);
  return next;
}

function created(store: Store, identity: OidcIdentity, rule: OidcRoleRule, scope: UserRecord['scope'], address: string | null): UserRecord {
  const taken = store.users.byName(identity.name);
  if (taken) {
    const how = taken.oidcSubject ? 'another school account' : 'a password';
    throw new OidcRefusal(
      'name_taken',
      `The name ${identity.name} belongs to a person here who signs in with ${how}; the school account was not let in as them.`,
    );
  }
  const user: UserRecord = {
    userId: `user-${randomBytes(6).toString('hex')}`,
    name: identity.name,
    displayName: identity.displayName,
    role: rule.role,
    scope,
    passwordHash: null,
    oidcSubject: identity.subject,
    disabledAt: null,
    createdAt: store.now(),
    lastActiveAt: null,
  };
  store.users.insert(user);
  audit(store, user, 'users.create', `school account, role ${user.role}${scopeText(user)} from ${rule.value}`, address);
  return user;
}

function scopeText(user: UserRecord): string {
  return user.scope ? ` in ${user.scope.tags.join(', ')}` : '';
}

function audit(store: Store, user: UserRecord, action: string, detail: string, address: string | null): void {
  recordAudit(store, {
    actor: user.name,
    userId: user.userId,
    role: user.role,
    via: 'oidc',
    address,
    action,
    targets: [`user:${user.userId}`],
    outcome: 'ok',
    reason: null,
    detail,
  });
}
