/** Personal tokens: name, made, expires, last used, whether it still works, and Revoke while it does. */
import { EmptyState } from '../../components/empty-state.tsx';
import type { TokenDto } from '../../lib/api-types.ts';
import { ago, when } from '../../lib/format.ts';
import type { Tokens } from './use-tokens.ts';

function stateOf(token: TokenDto, now: number): 'live' | 'revoked' | 'expired' {
  if (token.revoked) return 'revoked';
  return Date.parse(token.expiresAt) <= now ? 'expired' : 'live';
}

const STATE_WORDS = { live: 'Works', revoked: 'Revoked', expired: 'Expired' } as const;

export function TokenList({ tokens, now, empty }: { tokens: Tokens; now: number; empty: string }) {
  if (!tokens.tokens) return <p className="muted">Loading…</p>;
  if (tokens.tokens.length === 0) return <EmptyState title={empty} />;
  return (
    <table className="table cards token-list" data-testid="token-list">
      <thead>
        <tr>
          <th>Name</th>
          <th>Made</th>
          <th>Expires</th>
          <th>Last used</th>
          <th>State</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.tokens.map((t) => {
          const state = stateOf(t, now);
          return (
            <tr key={t.tokenId} data-token={t.tokenId}>
              <td data-label="Name">{t.name}</td>
              <td data-label="Made">{ago(Date.parse(t.createdAt), now)}</td>
              <td data-label="Expires">{when(Date.parse(t.expiresAt), now)}</td>
              <td data-label="Last used">{t.lastUsedAt ? ago(Date.parse(t.lastUsedAt), now) : 'never'}</td>
              <td data-label="State">{STATE_WORDS[state]}</td>
              <td className="row-actions">
                {state === 'live' && (
                  <button className="secondary small" aria-label={`Revoke ${t.name}`} onClick={() => void tokens.revoke(t)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
