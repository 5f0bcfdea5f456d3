/**
 * The zips this worker received lately, named by their SHA-256, in its private work dir (<work-dir>/peer/blobs):
 * what its peer server serves. A zip arrives as a `.part` file, hashed on the way in, and becomes `<sha>.zip`
 * only when every byte is there and the hash is the one the coordinator recorded: nothing uses it before.
 * Meanwhile peers may already read the bytes written so far (a relay); they check the hash themselves.
 */
import { EventEmitter, once } from 'node:events';
import { closeSync, openSync, readdirSync, renameSync, rmSync, writev } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { privateDir } from '../paths.ts';
import { sha256Of } from './bundle-cache.ts';
import { GrowingReader, Transfer } from './transfer.ts';

interface Blob {
  path: string;
  size: number;
  usedAt: number;
  /** Higher: used more lately (two uses may share a millisecond). */
  rank: number;
}

export interface PeerStoreOptions {
  /** Whole zips kept, at most, and their bytes together (the oldest goes first; the newest always stays). */
  maxBlobs?: number;
  maxBytes?: number;
  /** A zip is kept this long after it was last received or served. */
  keepMs?: number;
}

export class PeerStore {
  readonly #dir: string;
  readonly #maxBlobs: number;
  readonly #maxBytes: number;
  readonly #keepMs: number;
  readonly #blobs = new Map<string, Blob>();
  readonly #transfers = new Map<string, Transfer>();
  readonly #begun = new EventEmitter<Record<string, []>>();
  #uses = 0;

  /** Empties the folder: what an earlier process left is not known to be whole. */
  constructor(workDir: string, options: PeerStoreOptions = {}) {
    this.#dir = privateDir(join(privateDir(join(workDir, 'peer')), 'blobs'));
    this.#maxBlobs = options.maxBlobs ?? 4;
    this.#maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
    this.#keepMs = options.keepMs ?? 15 * 60_000;
    this.#begun.setMaxListeners(64); // each waiting peer request
    for (const name of readdirSync(this.#dir)) rmSync(join(this.#dir, name), { force: true, recursive: true });
  }

  /** The zips held whole, newest first (what the heartbeat tells the coordinator). */
  holds(): string[] {
    this.#trim();
    return [...this.#blobs].sort((a, b) => b[1].rank - a[1].rank).map(([sha]) => sha);
  }

  /**
   * The whole zip's path, if this worker holds it and it still hashes right: it shares its bytes with the
   * bundle cache (hard links), so a copy changed on this PC is dropped here too, and fetched again.
   */
  async whole(sha: string): Promise<string | undefined> {
    const blob = this.#blobs.get(sha);
    if (!blob) return undefined;
    if ((await sha256Of(blob.path).catch(() => undefined)) === sha) return blob.path;
    if (this.#blobs.get(sha) === blob) this.#blobs.delete(sha);
    rmSync(blob.path, { force: true });
    return undefined;
  }

  /**
   * Writes `source` into the store as the zip `sha` of `size` bytes; resolves with its path once whole and
   * checked, rejects (the part removed, readers told) on any error, a wrong size or a wrong hash.
   */
  async receive(sha: string, size: number, source: Readable, signal?: AbortSignal): Promise<string> {
    const path = join(this.#dir, `${sha}.${randomBytes(6).toString('hex')}.part`);
    const fd = openSync(path, 'wx', 0o600); // exists before peers are told about it
    const transfer = new Transfer(sha, size, path);
    this.#transfers.set(sha, transfer);
    this.#begun.emit(sha);
    const hash = createHash('sha256');
    try {
      await pipeline(source, sink(fd, transfer, hash), { signal });
      if (transfer.written !== size) throw new Error(`got ${transfer.written} bytes of ${size}`);
      if (hash.digest('hex') !== sha) throw new WrongHash();
      closeSync(fd);
      const whole = join(this.#dir, `${sha}.zip`);
      renameSync(path, whole); // in the same tick as the state: a reader opens one name or the other
      this.#blobs.set(sha, { path: whole, size, usedAt: Date.now(), rank: ++this.#uses });
      this.#end(transfer, 'done');
      this.#trim();
      return whole;
    } catch (error) {
      closeQuietly(fd);
      this.#end(transfer, 'failed');
      rmSync(path, { force: true });
      throw error;
    }
  }

  /** True once the zip `sha` is held or arriving; false after `ms` (a peer asked a moment before this worker began). */
  async waitFor(sha: string, ms: number): Promise<boolean> {
    if (this.#blobs.has(sha) || this.#transfers.has(sha)) return true;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      await once(this.#begun, sha, { signal: ac.signal });
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The zip `sha` for a peer, whole or as far as it has come; undefined when this worker has neither. */
  open(sha: string, stallMs: number): { size: number; stream: Readable } | undefined {
    const blob = this.#blobs.get(sha);
    if (blob) {
      [blob.usedAt, blob.rank] = [Date.now(), ++this.#uses];
      return { size: blob.size, stream: new GrowingReader(openSync(blob.path, 'r'), blob.size, undefined, stallMs) };
    }
    const transfer = this.#transfers.get(sha);
    if (transfer?.state !== 'receiving') return undefined;
    return { size: transfer.size, stream: new GrowingReader(openSync(transfer.path, 'r'), transfer.size, transfer, stallMs) };
  }

  #end(transfer: Transfer, state: 'done' | 'failed'): void {
    transfer.state = state;
    if (this.#transfers.get(transfer.sha256) === transfer) this.#transfers.delete(transfer.sha256);
    transfer.emit('end');
  }

  /** Old zips go; an open reader keeps its bytes (the file is only unlinked). */
  #trim(): void {
    const byAge = [...this.#blobs].sort((a, b) => b[1].rank - a[1].rank);
    let total = 0;
    for (const [i, [sha, blob]] of byAge.entries()) {
      total += blob.size;
      if (i === 0 || (i < this.#maxBlobs && total <= this.#maxBytes && Date.now() - blob.usedAt < this.#keepMs)) continue;
      try {
        rmSync(blob.path, { force: true });
        this.#blobs.delete(sha);
      } catch {
        // Windows keeps a file being read: the next trim tries again
      }
    }
  }
}

/** The bytes received did not hash to the SHA-256 the coordinator recorded. */
export class WrongHash extends Error {
  constructor() {
    super('the bytes received do not match the SHA-256 the coordinator recorded at upload');
    this.name = 'WrongHash';
  }
}

/** Appends to `fd`, hashing, then tells readers how far the file goes. */
function sink(fd: number, transfer: Transfer, hash: ReturnType<typeof createHash>): Writable {
  return new Writable({
    highWaterMark: 1024 * 1024,
    writev(chunks, done) {
      const buffers = chunks.map((c) => c.chunk as Buffer);
      const bytes = buffers.reduce((n, b) => n + b.length, 0);
      if (transfer.written + bytes > transfer.size) return done(new Error(`more than the ${transfer.size} bytes announced`));
      writev(fd, buffers, transfer.written, (error, written) => {
        if (error || written !== bytes) return done(error ?? new Error(`wrote ${written} of ${bytes} bytes`));
        for (const b of buffers) hash.update(b);
        transfer.written += bytes;
        transfer.emit('progress');
        done();
      });
    },
  });
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
}
