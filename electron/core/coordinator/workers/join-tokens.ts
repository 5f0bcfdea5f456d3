/** Limits on join tokens: until when a token may add PCs and how many (its uses start at 0). */
import type { JoinTokenPolicy } from '../state/repositories/join-tokens.ts';
import type { Store } from '../state/store.ts';

export function joinTokenPolicy(store: Store, tokenHash: string): JoinTokenPolicy {
  return store.joinTokens.policy(tokenHash);
}

export function setJoinTokenPolicy(store: Store, tokenHash: string, limits: { expiresAt: number | null; maxUses: number | null }): void {
  store.db.transaction(() => store.joinTokens.set(tokenHash, limits, store.now()));
}
