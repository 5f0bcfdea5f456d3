/**
 * One coordinator of a campus runs its duties (duties.ts) at a time: the one holding a PostgreSQL advisory lock on
 * its own connection. The others ask for the lock every two seconds; the server frees it when the holder's
 * connection ends (a stop, kill -9, a crash), so another takes over within seconds. A holder that loses its
 * connection stops its duties at once: the lock is gone with it.
 */
import pg from 'pg';
import type { Logger } from '../../logger.ts';
import type { Duties } from './duties.ts';
import { connectionConfig } from '../state/postgres/pg-connection.ts';

/** The duty lock's key: any number, the same on every coordinator (the writers' lock is another). */
export const DUTY_LOCK = 0x636d6479;

export class DutyLock {
  readonly #url: string;
  readonly #duties: Duties;
  readonly #logger: Logger;
  readonly #retryMs: number;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #asking = false;
  #stopped = false;

  constructor(url: string, duties: Duties, logger: Logger, retryMs = 2000) {
    this.#url = url;
    this.#duties = duties;
    this.#logger = logger;
    this.#retryMs = retryMs;
  }

  get leading(): boolean {
    return this.#duties.running;
  }

  start(): void {
    void this.#ask();
    this.#timer = setInterval(() => void this.#ask(), this.#retryMs);
    this.#timer.unref();
  }

  async #ask(): Promise<void> {
    if (this.#asking || this.#stopped) return;
    this.#asking = true;
    try {
      if (this.#duties.running) {
        // The lock lives as long as its connection: a connection the server dropped without a word (a network
        // device, a server-side timeout) must stop the duties here, as another coordinator may take them now.
        if (this.#client) await this.#client.query('SELECT 1');
        return;
      }
      const client = await this.#connect();
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [DUTY_LOCK]);
      if (rows[0]?.got && !this.#stopped && client === this.#client) {
        this.#logger.info('this coordinator runs the campus duties (offline sweep, schedules, webhooks, retention)');
        this.#duties.start();
      }
    } catch (error) {
      if (this.#client) this.#lost(this.#client); // a check that failed: the lock may be gone with its connection
      this.#logger.debug('could not ask for the duty lock; asking again', { error: (error as Error).message });
    } finally {
      this.#asking = false;
    }
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ ...connectionConfig(this.#url, 'duties', 5_000), query_timeout: 5_000 });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    this.#client = client;
    try {
      await client.connect();
    } catch (error) {
      this.#lost(client);
      throw error;
    }
    return client;
  }

  #lost(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#duties.running) {
      this.#duties.stop();
      if (!this.#stopped) this.#logger.warn('lost the connection that held the duty lock; another coordinator takes the duties over');
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#duties.stop();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
