/**
 * The live events of one coordinator reach the others of its campus through PostgreSQL's LISTEN/NOTIFY: a job
 * created here wakes a worker long-polling there, a cancel reaches the control poll wherever it waits, and every
 * dashboard sees every change. A message names what changed (job and worker ids, the log's new sequence numbers);
 * the receiver reads the rows from the shared store, so a message stays small whatever the output. The job-ended
 * and worker-offline news stay where they happened: that coordinator alone writes their webhook deliveries.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import type { LogEntry } from '../../../../shared/api.ts';
import type { Logger } from '../../logger.ts';
import type { CoordinatorEvents } from '../live/events.ts';
import type { Store } from '../state/store.ts';
import { connectionConfig } from '../state/postgres/pg-connection.ts';

export const CHANNEL = 'cmdx_events';
/** NOTIFY takes at most 8000 bytes; a batch is cut below that. */
const MAX_PAYLOAD = 7000;
const MAX_IDS = 500;
const RECONNECT_MS = 1000;
const CHECK_EVERY_MS = 5000;

const id = z.string().min(1).max(200);
const message = z.object({
  from: z.string().max(64),
  jobs: z.array(id).max(MAX_IDS).optional(),
  workers: z.array(id).max(MAX_IDS).optional(),
  /** [jobId, first seq, last seq] of log chunks stored. */
  output: z
    .array(z.tuple([id, z.number().int(), z.number().int()]))
    .max(MAX_IDS)
    .optional(),
  work: z.literal(true).optional(),
});
type Message = z.infer<typeof message>;

interface Batch {
  jobs: Set<string>;
  workers: Set<string>;
  output: Map<string, [number, number]>;
  work: boolean;
}

const emptyBatch = (): Batch => ({ jobs: new Set(), workers: new Set(), output: new Map(), work: false });

export class EventRelay {
  readonly #self = randomUUID();
  readonly #url: string;
  readonly #store: Store;
  readonly #events: CoordinatorEvents;
  readonly #logger: Logger;
  #client: pg.Client | undefined;
  #batch = emptyBatch();
  #flushQueued = false;
  /** While events from another coordinator are emitted here: they are not sent back. */
  #relaying = false;
  #stopped = false;
  #started = false;
  #retry: NodeJS.Timeout | undefined;
  #check: NodeJS.Timeout | undefined;
  readonly #detach: () => void;

  constructor(url: string, store: Store, logger: Logger) {
    this.#url = url;
    this.#store = store;
    this.#events = store.events;
    this.#logger = logger;
    this.#detach = this.#listenLocally();
  }

  /** Connects and listens; resolves once messages from other coordinators arrive here. */
  async start(): Promise<void> {
    await this.#connect();
  }

  #listenLocally(): () => void {
    const onJob = (jobId: string) => this.#queue((b) => b.jobs.add(jobId));
    const onWorker = (workerId: string) => this.#queue((b) => b.workers.add(workerId));
    const onWork = () => this.#queue((b) => (b.work = true));
    const onOutput = (jobId: string, entries: LogEntry[]) =>
      this.#queue((b) => {
        const seqs = entries.map((e) => e.seq);
        const known = b.output.get(jobId);
        b.output.set(jobId, [Math.min(known?.[0] ?? Infinity, ...seqs), Math.max(known?.[1] ?? -Infinity, ...seqs)]);
      });
    this.#events.on('job', onJob);
    this.#events.on('worker', onWorker);
    this.#events.on('work-available', onWork);
    this.#events.on('output', onOutput);
    return () => {
      this.#events.off('job', onJob);
      this.#events.off('worker', onWorker);
      this.#events.off('work-available', onWork);
      this.#events.off('output', onOutput);
    };
  }

  #queue(add: (batch: Batch) => void): void {
    if (this.#relaying || this.#stopped) return;
    add(this.#batch);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // Everything announced in this turn of the loop goes in one message.
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#batch;
    this.#batch = emptyBatch();
    const client = this.#client;
    if (!client) return; // reconnecting: the others catch up from the store (see #connect)
    for (const payload of payloads(this.#self, batch)) {
      client
        .query('SELECT pg_notify($1, $2)', [CHANNEL, payload])
        .catch((error: Error) => this.#logger.debug('could not relay events', { error: error.message }));
    }
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ ...connectionConfig(this.#url, 'events', 5_000), query_timeout: 5_000 });
    client.on('notification', (note) => {
      if (note.channel === CHANNEL && note.payload) this.#receive(note.payload);
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.#stopped) {
      await client.end();
      return;
    }
    const reconnected = this.#started;
    this.#started = true;
    this.#client = client;
    // A listening connection dropped without a word would go deaf: a small query now and then finds out.
    clearInterval(this.#check);
    this.#check = setInterval(() => {
      if (this.#client === client) client.query('SELECT 1').catch(() => this.#lost(client));
    }, CHECK_EVERY_MS);
    this.#check.unref();
    this.#retry = undefined;
    // Messages sent while this one was away are lost: waiting workers look at the queue again.
    if (reconnected) this.#emit(() => this.#events.emit('work-available'));
  }

  #lost(client: pg.Client): void {
    // Before the first connection, start() reports the failure; later, only the connection in use counts.
    if (!this.#started || (client !== this.#client && this.#client !== undefined)) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#stopped || this.#retry) return;
    this.#logger.warn('lost the events connection to PostgreSQL; reconnecting');
    const again = () => {
      this.#retry = setTimeout(() => {
        this.#connect().catch(() => again());
      }, RECONNECT_MS);
      this.#retry.unref();
    };
    again();
  }

  #receive(payload: string): void {
    let parsed: Message;
    try {
      parsed = message.parse(JSON.parse(payload));
    } catch {
      this.#logger.warn('ignored a malformed campus event');
      return;
    }
    if (parsed.from === this.#self) return;
    this.#emit(() => {
      for (const jobId of parsed.jobs ?? []) this.#events.emit('job', jobId);
      for (const workerId of parsed.workers ?? []) this.#events.emit('worker', workerId);
      for (const [jobId, first, last] of parsed.output ?? []) this.#relayOutput(jobId, first, last);
      if (parsed.work) this.#events.emit('work-available');
    });
  }

  /** The chunks another coordinator stored, read from the store. */
  #relayOutput(jobId: string, first: number, last: number): void {
    const job = this.#store.jobs.get(jobId);
    if (!job || last < first) return;
    const entries = this.#store.log.pageAfter(job.seq, first - 1, Math.min(last - first + 1, 1000), 4 * 1024 * 1024);
    if (entries.length) this.#events.emit('output', jobId, entries);
  }

  #emit(fn: () => void): void {
    this.#relaying = true;
    try {
      fn();
    } catch (error) {
      this.#logger.error('a campus event failed here', { error: (error as Error).message });
    } finally {
      this.#relaying = false;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#detach();
    clearTimeout(this.#retry);
    clearInterval(this.#check);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** The batch as NOTIFY payloads under the size limit (ids are short, so a batch rarely needs two). */
function payloads(from: string, batch: Batch): string[] {
  const items: { key: 'jobs' | 'workers' | 'output'; value: unknown }[] = [
    ...[...batch.jobs].map((value) => ({ key: 'jobs' as const, value })),
    ...[...batch.workers].map((value) => ({ key: 'workers' as const, value })),
    ...[...batch.output].map(([jobId, [first, last]]) => ({ key: 'output' as const, value: [jobId, first, last] })),
  ];
  const out: string[] = [];
  let current: Record<string, unknown> = { from };
  let size = 64;
  const push = () => out.push(JSON.stringify(current));
  for (const item of items) {
    const cost = JSON.stringify(item.value).length + 1;
    if (size + cost > MAX_PAYLOAD || ((current[item.key] as unknown[] | undefined)?.length ?? 0) >= MAX_IDS) {
      push();
      current = { from };
      size = 64;
    }
    ((current[item.key] ??= []) as unknown[]).push(item.value);
    size += cost;
  }
  if (batch.work) current.work = true;
  if (Object.keys(current).length > 1) push();
  return out;
}
