/**
 * Calls PostgreSQL synchronously: a statement goes to the connection's thread (pg-thread.ts) and this thread waits
 * on a shared word until the answer is there. The event loop stands still meanwhile, as it does for SQLite's own
 * reads and writes; a statement takes one loopback or LAN round trip.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BridgeAnswer, BridgeRequest } from './pg-thread.ts';

/** A statement PostgreSQL refused or could not run; `code` is its SQLSTATE (08…: the connection, 57P…: the server went away). */
export class PostgresError extends Error {
  readonly code: string | undefined;
  /** The statement's text, when one failed. */
  sql: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }

  /** The server could not be reached or went away (not a statement it refused): the request may be tried again. */
  get unavailable(): boolean {
    return !this.code || /^(08|57P|53)/.test(this.code) || /^E[A-Z]+$/.test(this.code);
  }
}

const ANSWER_WITHIN_MS = 35_000;

export class PgBridge {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #word = new Int32Array(new SharedArrayBuffer(4));
  #nextId = 1;
  #closed = false;

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    // This folder's thread file, as built (.js) or as source (.ts, run with type stripping).
    const file = new URL(`./pg-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
    this.#worker = new Worker(file, {
      workerData: { role: 'cmdx-pg-bridge', url, port: port2, signal: this.#word.buffer },
      transferList: [port2],
    });
    this.#worker.unref();
    this.#port.unref();
  }

  call(request: Omit<BridgeRequest, 'id'>): { rows: Record<string, unknown>[]; changes: number } {
    if (this.#closed) throw new PostgresError('The PostgreSQL store is closed.', undefined);
    const id = this.#nextId++;
    Atomics.store(this.#word, 0, 0);
    this.#port.postMessage({ ...request, id } satisfies BridgeRequest);
    const deadline = Date.now() + ANSWER_WITHIN_MS;
    for (;;) {
      const message = receiveMessageOnPort(this.#port)?.message as BridgeAnswer | undefined;
      if (message?.id === id) {
        if (message.error) throw new PostgresError(message.error.message, message.error.code);
        return { rows: message.rows ?? [], changes: message.changes ?? 0 };
      }
      if (message) continue; // the late answer of a statement that timed out
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new PostgresError(
          `PostgreSQL did not answer within ${ANSWER_WITHIN_MS / 1000} s; check that the database server runs and is reachable.`,
          '08006',
        );
      }
      Atomics.wait(this.#word, 0, 0, left);
      Atomics.store(this.#word, 0, 0);
    }
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.call({ op: 'close' });
    } finally {
      this.#closed = true;
      void this.#worker.terminate();
      this.#port.close();
    }
  }
}
