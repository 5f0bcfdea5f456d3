/**
 * A zip arriving in the peer store (a Transfer), and a reader of it for a peer (a GrowingReader): a whole
 * zip, or one still arriving, whose bytes are read as far as they are written and waited for beyond that.
 * The transfer it relays failing, or stalling for `stallMs`, ends the reader with an error, so the receiver
 * falls back to the coordinator at once.
 */
import { EventEmitter } from 'node:events';
import { closeSync, read } from 'node:fs';
import { Readable } from 'node:stream';

const CHUNK = 1024 * 1024;

/** A zip being received: its bytes on disk so far, then whole or failed. */
export class Transfer extends EventEmitter<{ progress: []; end: [] }> {
  state: 'receiving' | 'done' | 'failed' = 'receiving';
  written = 0;
  readonly sha256: string;
  readonly size: number;
  readonly path: string;

  constructor(sha256: string, size: number, path: string) {
    super();
    this.sha256 = sha256;
    this.size = size;
    this.path = path;
    this.setMaxListeners(64); // each reader waits on it
  }
}

export class GrowingReader extends Readable {
  readonly #fd: number;
  readonly #size: number;
  readonly #transfer: Transfer | undefined;
  readonly #stallMs: number;
  #position = 0;
  #waiting: (() => void) | undefined;

  /** Owns `fd` (closed when the stream ends). */
  constructor(fd: number, size: number, transfer: Transfer | undefined, stallMs: number) {
    super({ highWaterMark: CHUNK });
    this.#fd = fd;
    this.#size = size;
    this.#transfer = transfer;
    this.#stallMs = stallMs;
  }

  override _read(): void {
    if (this.#position >= this.#size) return void this.push(null);
    if (this.#transfer?.state === 'failed') return void this.destroy(new Error('the transfer this peer relays failed'));
    const available = (this.#transfer?.state === 'receiving' ? this.#transfer.written : this.#size) - this.#position;
    if (available <= 0) return this.#waitForMore();
    const buffer = Buffer.allocUnsafe(Math.min(available, CHUNK));
    read(this.#fd, buffer, 0, buffer.length, this.#position, (error, bytes) => {
      if (error || bytes === 0) return this.destroy(error ?? new Error('the zip ended early on disk'));
      this.#position += bytes;
      this.push(buffer.subarray(0, bytes));
    });
  }

  /** Until the transfer writes more or ends; a stall ends this stream. */
  #waitForMore(): void {
    const transfer = this.#transfer!;
    const timer = setTimeout(() => this.destroy(new Error(`the zip this peer relays stalled for ${this.#stallMs} ms`)), this.#stallMs);
    const go = () => {
      this.#stopWaiting();
      this._read();
    };
    this.#waiting = () => {
      clearTimeout(timer);
      transfer.off('progress', go).off('end', go);
    };
    transfer.once('progress', go).once('end', go);
  }

  #stopWaiting(): void {
    this.#waiting?.();
    this.#waiting = undefined;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#stopWaiting();
    try {
      closeSync(this.#fd);
    } catch {
      // closed already
    }
    callback(error);
  }
}
