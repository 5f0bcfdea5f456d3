/** How every PostgreSQL connection of a coordinator is opened: named in pg_stat_activity, quick to give up on a silent server. */
import type { ClientConfig } from 'pg';

/**
 * The settings all four connections share (statements, flushes, events, the duty lock): a connect gives up after
 * 5 s, and TCP keepalive finds a server gone without a word. `silentAfterMs`: when keepalive starts probing.
 */
export function connectionConfig(url: string, purpose: string | null, silentAfterMs: number): ClientConfig {
  return {
    connectionString: url,
    application_name: purpose ? `cmdx coordinator (${purpose})` : 'cmdx coordinator',
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: silentAfterMs,
  };
}
