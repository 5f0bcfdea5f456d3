/** A person's personal tokens (one's own without `userId`), read on opening and after each change; Revoke says what it did. */
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import type { TokenDto } from '../../lib/api-types.ts';

export interface Tokens {
  tokens: TokenDto[] | null;
  /** The latest read's or change's outcome. */
  outcome: { text: string; failed: boolean } | null;
  reload: () => void;
  revoke: (token: TokenDto) => Promise<void>;
}

export function useTokens(userId?: string): Tokens {
  const api = useApi();
  const [tokens, setTokens] = useState<TokenDto[] | null>(null);
  const [outcome, setOutcome] = useState<Tokens['outcome']>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    api.tokens(userId).then(
      (answer) => current && setTokens(answer.tokens),
      (e: Error) => current && setOutcome({ text: e.message, failed: true }),
    );
    return () => {
      current = false;
    };
  }, [api, userId, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const revoke = useCallback(
    async (token: TokenDto) => {
      try {
        await api.revokeToken(token.tokenId);
        setOutcome({ text: `Revoked "${token.name}": it no longer works.`, failed: false });
      } catch (e) {
        setOutcome({ text: (e as Error).message, failed: true });
      }
      reload();
    },
    [api, reload],
  );
  return { tokens, outcome, reload, revoke };
}
