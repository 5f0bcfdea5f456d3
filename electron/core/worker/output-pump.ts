/**
 * Moves a running job's output to the coordinator in chunks numbered by one sequence across both
 * streams, in the order the pipes were read, at least once a second while there is output. Memory
 * stays bounded whatever the command prints: per stream the first half of the allowance is sent live,
 * the last half is kept in a ring and sent at the end, and what falls in between is dropped with a
 * visible marker. When the coordinator is slow, the command is paused.
 */
import { StringDecoder } from 'node:string_decoder';
import type { LogChunk, OutputStream } from '../../../shared/api.ts';
import { backoffMs } from '../../../shared/backoff.ts';

export interface SendResult {
  cancel: boolean;
  /** The first seq the coordinator has not stored. */
  next: number;
}

export interface OutputPumpOptions {
  /** Delivers chunks; throws to have them retried. A CoordinatorError 4xx is final (see `isFinal`). */
  send: (chunks: LogChunk[]) => Promise<SendResult>;
  /** Whether an error from `send` means "stop trying" (the job ended on the coordinator). */
  isFinal: (error: unknown) => boolean;
  /** Bytes kept per stream (head + tail). */
  maxBytesPerStream: number;
  flushIntervalMs?: number;
  /** Unsent bytes above which the command is paused until they are delivered. */
  maxPendingBytes?: number;
  maxChunkBytes?: number;
  onCancel?: () => void;
  onGap?: (expected: number, next: number) => void;
  onRetry?: (error: unknown, attempt: number) => void;
  /** Mirror of every piece of output, for a local live view. */
  onText?: (stream: OutputStream, text: string, time: number) => void;
  /** The first seq to use (a retried job's log goes on after the earlier attempt's). */
  firstSeq?: number;
  now?: () => number;
}

/** The last `capacity` bytes of a stream, copied into one buffer (made on first use) so no read buffer stays alive. */
class Ring {
  readonly #capacity: number;
  #buf: Buffer | undefined;
  #end = 0;
  #size = 0;
  dropped = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(0, capacity);
  }

  push(chunk: Buffer): void {
    const cap = this.#capacity;
    if (cap === 0) {
      this.dropped += chunk.length;
      return;
    }
    const buf = (this.#buf ??= Buffer.allocUnsafe(cap));
    let data = chunk;
    if (data.length > cap) {
      this.dropped += data.length - cap;
      data = data.subarray(data.length - cap);
    }
    const overflow = this.#size + data.length - cap;
    if (overflow > 0) {
      this.dropped += overflow;
      this.#size -= overflow;
    }
    const first = Math.min(data.length, cap - this.#end);
    data.copy(buf, this.#end, 0, first);
    data.copy(buf, 0, first);
    this.#end = (this.#end + data.length) % cap;
    this.#size += data.length;
  }

  take(): Buffer {
    const buf = this.#buf;
    if (!buf || this.#size === 0) return Buffer.alloc(0);
    const cap = this.#capacity;
    const start = (this.#end - this.#size + cap) % cap;
    const out =
      start + this.#size <= cap ? Buffer.from(buf.subarray(start, start + this.#size)) : Buffer.concat([buf.subarray(start), buf.subarray(0, this.#end)]);
    this.#buf = undefined;
    this.#size = 0;
    this.#end = 0;
    return out;
  }
}

interface StreamState {
  seen: number;
  decoder: StringDecoder;
  tail: Ring;
}

/** Small reads of one stream in a row are sent as one chunk, up to this size and this age. */
const MERGE_CHARS = 64 * 1024;
const MERGE_MS = 250;

export class OutputPump {
  readonly #o: Required<Omit<OutputPumpOptions, 'onCancel' | 'onGap' | 'onRetry' | 'onText'>> & OutputPumpOptions;
  readonly #streams: Record<OutputStream, StreamState>;
  #seq: number;
  #queue: LogChunk[] = [];
  /** The last queued chunk while it is not on its way yet: the next read of its stream may join it. */
  #open: LogChunk | undefined;
  #queuedBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #drainWaiters: (() => void)[] = [];
  #stopped = false;
  #failures = 0;

  constructor(options: OutputPumpOptions) {
    this.#o = { flushIntervalMs: 1000, maxPendingBytes: 1024 * 1024, maxChunkBytes: 256 * 1024, firstSeq: 0, now: Date.now, ...options };
    this.#seq = this.#o.firstSeq;
    const half = Math.floor(options.maxBytesPerStream / 2);
    const state = (): StreamState => ({ seen: 0, decoder: new StringDecoder('utf8'), tail: new Ring(options.maxBytesPerStream - half) });
    this.#streams = { stdout: state(), stderr: state() };
  }

  /** Accepts output; resolves later (pausing the command) when too much is waiting to be sent. */
  write(stream: OutputStream, chunk: Buffer): void | Promise<void> {
    if (this.#stopped) return;
    const s = this.#streams[stream];
    const head = Math.floor(this.#o.maxBytesPerStream / 2);
    const room = Math.max(0, head - s.seen);
    s.seen += chunk.length;
    if (room > 0) this.enqueue(stream, chunk.subarray(0, room));
    if (chunk.length > room) s.tail.push(chunk.subarray(room));
    if (this.#queuedBytes >= this.#o.maxChunkBytes) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#o.flushIntervalMs);
    if (this.#queuedBytes > this.#o.maxPendingBytes) return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  private enqueue(stream: OutputStream, bytes: Buffer, final = false): void {
    const s = this.#streams[stream];
    const text = s.decoder.write(bytes) + (final ? s.decoder.end() : '');
    if (!text) return;
    const time = this.#o.now();
    this.#o.onText?.(stream, text, time);
    const open = this.#open;
    if (open && open.stream === stream && open.data.length + text.length <= MERGE_CHARS && time - open.time! <= MERGE_MS) {
      open.data += text;
      this.#queuedBytes += text.length;
      return;
    }
    for (let i = 0; i < text.length; i += this.#o.maxChunkBytes) {
      const data = text.slice(i, i + this.#o.maxChunkBytes);
      this.#open = { stream, seq: this.#seq++, time, data };
      this.#queue.push(this.#open);
      this.#queuedBytes += data.length;
    }
  }

  /** Sends what is queued; retries with backoff until delivered or finally refused. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing ??= this.drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  private async drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#stopped) {
      const batch: LogChunk[] = [];
      let bytes = 0;
      while (this.#queue.length > 0 && bytes < this.#o.maxChunkBytes * 4) {
        const chunk = this.#queue.shift()!;
        if (chunk === this.#open) this.#open = undefined; // on its way: a resend must carry the same text
        bytes += chunk.data.length;
        batch.push(chunk);
      }
      try {
        const result = await this.#o.send(batch);
        this.#failures = 0;
        this.#queuedBytes -= bytes;
        this.checkGaps(batch, result);
        if (result.cancel) this.#o.onCancel?.();
      } catch (error) {
        if (this.#o.isFinal(error)) {
          this.stop();
          return;
        }
        this.#queue.unshift(...batch);
        this.#o.onRetry?.(error, ++this.#failures);
        await new Promise((r) => setTimeout(r, backoffMs(this.#failures, 10_000, 250)));
      }
      this.releaseWriters();
    }
    this.releaseWriters();
  }

  private checkGaps(batch: LogChunk[], result: SendResult): void {
    const expected = batch[batch.length - 1]!.seq + 1;
    if (result.next < expected) this.#o.onGap?.(expected, result.next);
  }

  private releaseWriters(): void {
    if (this.#queuedBytes > this.#o.maxPendingBytes && !this.#stopped) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** The job ended: send the kept tail (with a marker where bytes were dropped) and everything queued. */
  async close(): Promise<void> {
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = this.#streams[stream];
      const tail = s.tail.take();
      if (s.tail.dropped > 0) {
        this.enqueue(stream, Buffer.alloc(0), true);
        const marker = `\n[cmdx: ${s.tail.dropped} bytes of ${stream} dropped here; the worker keeps ${this.#o.maxBytesPerStream} bytes per stream (--max-output-mb)]\n`;
        this.enqueue(stream, Buffer.from(marker));
      }
      this.enqueue(stream, tail, true);
    }
    await this.flush();
  }

  /** Stop sending (the coordinator refused the job's output); writers are released. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#queue = [];
    this.#open = undefined;
    this.#queuedBytes = 0;
    this.releaseWriters();
  }
}
