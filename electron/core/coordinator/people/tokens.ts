/** Personal tokens for the terminal (`cmdx login`): named, expiring, revocable, shown once and kept only as a SHA-256 digest. */
import { randomBytes } from 'node:crypto';
import type { TokenDto } from '../../../../shared/roles.ts';
import type { Store } from '../state/store.ts';
import type { TokenRecord } from '../state/repositories/users.ts';
import { Refused } from '../refused.ts';
import { auditTarget } from '../audit/audit-context.ts';
import { hashToken, newToken, type Person } from '../http/auth.ts';

const DAY_MS = 86_400_000;
/** A person holds at most this many live tokens: a runaway script cannot fill the table. */
export const MAX_LIVE_TOKENS = 50;

function tokenDto(store: Store, token: TokenRecord): TokenDto {
  return {
    tokenId: token.tokenId,
    userId: token.userId,
    userName: store.users.get(token.userId)?.name ?? token.userId,
    name: token.name,
    createdAt: new Date(token.createdAt).toISOString(),
    expiresAt: new Date(token.expiresAt).toISOString(),
    lastUsedAt: token.lastUsedAt === null ? null : new Date(token.lastUsedAt).toISOString(),
    revoked: token.revokedAt !== null,
  };
}

function accountOf(person: Person): string {
  if (person.userId === null) throw new Refused('forbidden', 'The admin token is not a person; sign in as a person (or create one) to make personal tokens.');
  return person.userId;
}

export function createToken(store: Store, person: Person, name: string, expiresInDays: number): { token: string; info: TokenDto } {
  const userId = accountOf(person);
  const token = newToken('user');
  const now = store.now();
  const record: TokenRecord = {
    tokenId: `tok-${randomBytes(6).toString('hex')}`,
    userId,
    name,
    createdAt: now,
    expiresAt: now + expiresInDays * DAY_MS,
    lastUsedAt: null,
    revokedAt: null,
  };
  store.db.transaction(() => {
    if (store.users.liveTokenCount(userId, now) >= MAX_LIVE_TOKENS) {
      throw new Refused('conflict', `You hold ${MAX_LIVE_TOKENS} live tokens already; revoke some you no longer use.`);
    }
    store.users.insertToken(record, hashToken(token));
    auditTarget('token', record.tokenId);
  });
  return { token, info: tokenDto(store, record) };
}

/** One's own tokens; an admin's view is everyone's, or one person's. */
export function listTokens(store: Store, person: Person, userId: string | undefined): TokenDto[] {
  const whose = person.role === 'admin' ? userId : accountOf(person);
  return store.users.tokens(whose).map((t) => tokenDto(store, t));
}

export function revokeToken(store: Store, person: Person, tokenId: string): void {
  store.db.transaction(() => {
    const token = store.users.token(tokenId);
    // Someone else's token is "not found" to a non-admin: its id tells nothing.
    if (!token || (person.role !== 'admin' && token.userId !== person.userId))
      throw new Refused('token_not_found', `No token ${tokenId} of yours; GET /api/tokens lists them.`);
    store.users.revokeToken(tokenId, store.now());
  });
}
