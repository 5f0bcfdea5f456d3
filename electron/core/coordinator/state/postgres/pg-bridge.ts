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
    // 08: connection, 57P: server shutting down, 53: out of resources, 55P03: a lock wait gave up, 57014: a statement timed out.
    return !this.code || /^(08|57P|53|55P03|57014)/.test(this.code) || /^E[A-Z]+$/.test(this.code);
  }
}

/** Longer than the server's own statement and lock timeouts (pg-thread.ts), so those answer first. */
const ANSWER_WITHIN_MS = 20_000;

interface Thread {
  worker: Worker;
  port: MessagePort;
  word: Int32Array;
}

export class PgBridge {
  readonly #url: string;
  #thread: Thread | undefined;
  #nextId = 1;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  #start(): Thread {
    const { port1, port2 } = new MessageChannel();
    const word = new Int32Array(new SharedArrayBuffer(4));
    // This folder's thread file, as built (.js) or as source (.ts, run with type stripping).
    const file = new URL(`./pg-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
    const worker = new Worker(file, {
      workerData: { role: 'cmdx-pg-bridge', url: this.#url, port: port2, signal: word.buffer },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    return { worker, port: port1, word };
  }

  call(request: Omit<BridgeRequest, 'id'>, timeoutMs = ANSWER_WITHIN_MS): { rows: Record<string, unknown>[]; changes: number } {
    if (this.#closed) throw new PostgresError('The PostgreSQL store is closed.', undefined);
    const thread = (this.#thread ??= this.#start());
    const id = this.#nextId++;
    Atomics.store(thread.word, 0, 0);
    thread.port.postMessage({ ...request, id } satisfies BridgeRequest);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = receiveMessageOnPort(thread.port)?.message as BridgeAnswer | undefined;
      if (message?.id === id) {
        if (message.error) throw new PostgresError(message.error.message, message.error.code);
        return { rows: message.rows ?? [], changes: message.changes ?? 0 };
      }
      if (message) continue;
      const left = deadline - Date.now();
      if (left <= 0) {
        // The statement may still run, or hold the writers' lock: the thread and its connection go, so the server
        // rolls back whatever it had begun; the next statement starts a new one.
        this.#thread = undefined;
        void thread.worker.terminate();
        thread.port.close();
        throw new PostgresError(
          `PostgreSQL did not answer within ${ANSWER_WITHIN_MS / 1000} s; check that the database server runs and is reachable.`,
          '08006',
        );
      }
      Atomics.wait(thread.word, 0, 0, left);
      Atomics.store(thread.word, 0, 0);
    }
  }

  close(): void {
    if (this.#closed) return;
    const thread = this.#thread;
    try {
      if (thread) this.call({ op: 'close' });
    } finally {
      this.#closed = true;
      this.#thread = undefined;
      if (thread) {
        void thread.worker.terminate();
        thread.port.close();
      }
    }
  }
}
