/**
 * The PostgreSQL connection of a coordinator, in its own thread: the store is synchronous (one transaction is also
 * the lock of one JavaScript turn), so the main thread posts a statement and sleeps on an Atomics word until this
 * thread has the answer (pg-bridge.ts). A lost connection is opened again at the next statement.
 */
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { connectionConfig } from './pg-connection.ts';

export interface BridgeRequest {
  id: number;
  /** `query`: one statement with values (prepared once per connection under `name`); `exec`: a script, no values. */
  op: 'query' | 'exec' | 'close';
  text?: string;
  name?: string;
  values?: unknown[];
}

export interface BridgeAnswer {
  id: number;
  rows?: Record<string, unknown>[];
  changes?: number;
  error?: { message: string; code?: string };
}

export interface BridgeData {
  url: string;
  port: MessagePort;
  signal: SharedArrayBuffer;
}

// Numbers as the SQLite engine gives them: BIGINT and COUNT(*) as numbers (ours stay below 2^53), booleans as 0/1.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);
pg.types.setTypeParser(pg.types.builtins.BOOL, (value) => (value === 't' ? 1 : 0));

function serve({ url, port, signal }: BridgeData): void {
  const word = new Int32Array(signal);

  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const forget = (which: pg.Client) => {
    if (client === which) client = undefined;
    which.end().catch(() => undefined);
  };
  // One connection at a time: statements that arrive while it opens wait for it.
  const connect = (): Promise<pg.Client> =>
    client
      ? Promise.resolve(client)
      : (connecting ??= (async () => {
          const fresh = new pg.Client({
            ...connectionConfig(url, null, 10_000),
            statement_timeout: 15_000,
            // Writers wait for one lock: a coordinator frozen inside a transaction (SIGSTOP, a hung disk) must not
            // stop the campus. The server ends its transaction after 3 s idle, and a waiter gives up after 3 s.
            idle_in_transaction_session_timeout: 3_000,
            lock_timeout: 3_000,
          });
          // A connection that breaks between statements: forget it, the next statement connects again.
          fresh.on('error', () => forget(fresh));
          try {
            await fresh.connect();
          } catch (error) {
            forget(fresh);
            throw error;
          }
          client = fresh;
          return fresh;
        })().finally(() => (connecting = undefined)));

  const answer = async (request: BridgeRequest): Promise<BridgeAnswer> => {
    try {
      if (request.op === 'close') {
        await client?.end();
        client = undefined;
        return { id: request.id };
      }
      const db = await connect();
      if (request.op === 'exec') {
        // A script of several statements answers with one result each; the last one is the script's answer.
        const results = (await db.query(request.text!)) as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(results) ? results.at(-1) : results;
        return { id: request.id, rows: last?.rows ?? [], changes: last?.rowCount ?? 0 };
      }
      const result = await db.query({ name: request.name, text: request.text!, values: request.values });
      return { id: request.id, rows: result.rows, changes: result.rowCount ?? 0 };
    } catch (error) {
      const { message, code } = error as { message: string; code?: string };
      // A broken socket leaves the client unusable: a new one next time.
      if (client && (!code || /^08|^57P|^25P03/.test(code))) forget(client);
      return { id: request.id, error: { message, code } };
    }
  };

  port.on('message', (request: BridgeRequest) => {
    void answer(request).then((reply) => {
      port.postMessage(reply);
      Atomics.store(word, 0, 1);
      Atomics.notify(word, 0);
    });
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'cmdx-pg-bridge') serve(workerData as BridgeData);
