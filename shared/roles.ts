/** People and what they may do: the three roles, a scope of rooms (worker tags), users, personal tokens, sessions and the audit log on the wire. */
import { z } from 'zod';
import { TAG_PATTERN } from './api.ts';

/** From the most to the least able: each role may do everything the ones after it may. */
export const PERSON_ROLES = ['admin', 'teacher', 'assistant'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Whether `role` may do what `least` may. */
export function roleAtLeast(role: PersonRole, least: PersonRole): boolean {
  return PERSON_ROLES.indexOf(role) <= PERSON_ROLES.indexOf(least);
}

export const ROLE_WORDS: Record<PersonRole, string> = {
  admin: 'everything, including people, joining, revoking workers and policies',
  teacher: 'jobs, runs, saved commands, schedules, wake and power, on the PCs in scope',
  assistant: 'reads results on the PCs in scope and writes feedback on grading runs',
};

/** The rooms a teacher or assistant works in: workers carrying one of these tags. Null: every PC. */
export const scopeSchema = z.object({ tags: z.array(z.string().regex(TAG_PATTERN).max(64)).min(1).max(50) });
export type Scope = z.infer<typeof scopeSchema>;

/** A sign-in name: letters, digits and . _ - @, as school accounts have them. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const userName = z.string().regex(USER_NAME_PATTERN, 'letters, digits and . _ - @, at most 64, starting with a letter or digit');
const displayName = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'printable text without control or formatting characters');
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(256);

export const createUserBody = z.object({
  name: userName,
  displayName: displayName.optional(),
  role: z.enum(PERSON_ROLES),
  scope: scopeSchema.nullable().optional(),
  password: passwordSchema.optional(),
});
export const updateUserBody = z.object({
  userId: z.string().min(1).max(64),
  displayName: displayName.optional(),
  role: z.enum(PERSON_ROLES).optional(),
  scope: scopeSchema.nullable().optional(),
  /** true: a new password, shown once in the answer. */
  resetPassword: z.boolean().optional(),
});
export const userIdBody = z.object({ userId: z.string().min(1).max(64) });
/** enabled: true turns a disabled person back on. */
export const disableUserBody = userIdBody.extend({ enabled: z.boolean().optional() });

export const userDto = z.object({
  userId: z.string(),
  name: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(PERSON_ROLES),
  scope: scopeSchema.nullable(),
  /** How the person signs in: a password, the school's accounts (OpenID Connect), or not yet. */
  signIn: z.enum(['password', 'oidc', 'none']),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastActiveAt: z.string().nullable(),
  tokens: z.number(),
});
export type UserDto = z.infer<typeof userDto>;

export const createTokenBody = z.object({
  name: displayName,
  /** Whole days, 1 to 366. */
  expiresInDays: z.number().int().min(1).max(366),
});
export const tokenIdBody = z.object({ tokenId: z.string().min(1).max(64) });
export const tokenDto = z.object({
  tokenId: z.string(),
  userId: z.string(),
  userName: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type TokenDto = z.infer<typeof tokenDto>;

export const loginBody = z.union([
  z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
  /** The owner's break-glass sign-in with the admin token. */
  z.object({ token: z.string().min(1).max(512) }),
]);
export const changePasswordBody = z.object({ current: z.string().min(1).max(256), password: passwordSchema });

/** Who is signed in, and the anti-CSRF value every state change of this session carries in X-CSRF-Token. */
export const sessionDto = z.object({
  user: z.object({
    userId: z.string().nullable(),
    name: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(PERSON_ROLES),
    scope: scopeSchema.nullable(),
  }),
  via: z.enum(['password', 'oidc', 'admin-token', 'token', 'open']),
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type SessionDto = z.infer<typeof sessionDto>;
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'cmdx_session';

export const AUDIT_OUTCOMES = ['ok', 'refused'] as const;
export const auditEntryDto = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  userId: z.string().nullable(),
  role: z.string().nullable(),
  via: z.string().nullable(),
  address: z.string().nullable(),
  action: z.string(),
  targets: z.array(z.string()),
  outcome: z.enum(AUDIT_OUTCOMES),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntryDto = z.infer<typeof auditEntryDto>;
export const auditVerifyDto = z.object({
  ok: z.boolean(),
  rows: z.number(),
  /** The first row whose hash or link is wrong, or where rows are missing. */
  firstBad: z.number().nullable(),
  problem: z.string().nullable(),
  /** The newest row's hash: keep it somewhere else to prove later that nothing after it was rewritten. */
  headHash: z.string(),
  headSeq: z.number(),
  /** Rows before this one were pruned by retention; the chain is checked from this checkpoint. */
  anchorSeq: z.number(),
});
