/**
 * Waking PCs: a magic packet for each offline worker's MAC on each network it reported. The coordinator
 * sends it itself on a network it has an interface on (from that interface); on another network an
 * online worker there relays it (its next heartbeat or long-poll answer carries the packet, so nothing
 * new listens on the worker). Then, if asked, it waits for the workers to come back, by their state in
 * the store: each change is announced on the event bus, so the wait ends the moment the last one is online.
 * `wakeWorkers` is also what a schedule's `wakeMinutesBefore` calls.
 */
import type { WorkerRecord } from '../state/repositories/workers.ts';
import type { CoordinatorContext } from '../context.ts';
import type { LocalNetwork } from '../../wake-on-lan.ts';
import { sameNetwork, WAKE_LIMITS, type LanInterface } from '../../../../shared/wake.ts';

export interface WakeOptions {
  /** Wait up to this long for the workers to come back online (default 0: answer at once). */
  waitSeconds?: number;
  /** Ends the wait early (the admin hung up, the coordinator stops). */
  signal?: AbortSignal;
  /** The coordinator's own networks (default: the context's transport's, read now). */
  networks?: LocalNetwork[];
}

export interface WakeOutcome {
  /** Magic packets the coordinator sent. */
  sent: number;
  /** Magic packets handed to relay workers. */
  relayed: number;
  /** Chosen workers online when the answer was given (those that were online already among them). */
  awake: string[];
  stillOffline: string[];
  /** Offline workers that never reported a MAC. */
  noMac: string[];
  /** Offline workers on networks neither the coordinator nor an online worker is on (or every send failed). */
  unreachable: string[];
}

export type WakeContext = Pick<CoordinatorContext, 'store' | 'events' | 'wakeRelays' | 'wakeTransport' | 'scheduler' | 'logger'>;

/** Wakes the offline ones among `workerIds` (each must be registered: see chooseWorkers) and waits as asked. */
export async function wakeWorkers(ctx: WakeContext, workerIds: string[], options: WakeOptions = {}): Promise<WakeOutcome> {
  const ids = [...new Set(workerIds)];
  const networks = options.networks ?? ctx.wakeTransport.networks();
  const send = ctx.wakeTransport.send;
  const all = ctx.store.workers.all();
  const byId = new Map(all.map((w) => [w.workerId, w]));
  const outcome: WakeOutcome = { sent: 0, relayed: 0, awake: [], stillOffline: [], noMac: [], unreachable: [] };
  const relays = new Set<string>();
  const direct = new Map<string, { mac: string; broadcast: string; bind: string; for: string[] }>();
  const asleep = ids.map((id) => byId.get(id)).filter((w): w is WorkerRecord => w !== undefined && w.status === 'offline');
  const reached = new Set<string>();
  for (const worker of asleep) {
    if (worker.interfaces.length === 0) {
      outcome.noMac.push(worker.workerId);
      continue;
    }
    for (const nic of worker.interfaces) {
      const own = networks.find((n) => sameNetwork(n, nic));
      if (own) {
        const key = `${nic.mac} ${nic.broadcast}`;
        const entry = direct.get(key) ?? { mac: nic.mac, broadcast: own.broadcast, bind: own.address, for: [] };
        entry.for.push(worker.workerId);
        direct.set(key, entry);
        continue;
      }
      const relay = relayFor(nic, all, worker.workerId);
      if (!relay) continue;
      ctx.wakeRelays.add(relay.workerId, { mac: nic.mac, broadcast: nic.broadcast });
      relays.add(relay.workerId);
      reached.add(worker.workerId);
      outcome.relayed++;
    }
  }
  const sends = [...direct.values()].map(async (packet) => {
    try {
      await send(packet.mac, packet.broadcast, packet.bind);
      outcome.sent++;
      for (const id of packet.for) reached.add(id);
    } catch (error) {
      ctx.logger.warn('a magic packet could not be sent', { mac: packet.mac, broadcast: packet.broadcast, error: (error as Error).message });
    }
  });
  await Promise.all(sends);
  // A relay waiting in its long poll hears of its packets now, not at its next heartbeat.
  for (const relayId of relays) ctx.scheduler.release(relayId);
  for (const worker of asleep) if (worker.interfaces.length > 0 && !reached.has(worker.workerId)) outcome.unreachable.push(worker.workerId);
  ctx.logger.info('wake-on-LAN', {
    workers: asleep.map((w) => w.workerId),
    sent: outcome.sent,
    relayed: outcome.relayed,
    relays: [...relays],
    noMac: outcome.noMac,
    unreachable: outcome.unreachable,
  });
  const waitMs = Math.min(options.waitSeconds ?? 0, WAKE_LIMITS.maxWaitSeconds) * 1000;
  // Nothing went out: nobody is coming back because of this request, so there is nothing to wait for.
  if (waitMs > 0 && outcome.sent + outcome.relayed > 0) await untilOnline(ctx, ids, waitMs, options.signal);
  for (const id of ids) (ctx.store.workers.get(id)?.status === 'offline' ? outcome.stillOffline : outcome.awake).push(id);
  return outcome;
}

/** The online worker to relay a packet for `nic`: one with an interface on its network, the most recently heard first. */
function relayFor(nic: LanInterface, workers: WorkerRecord[], sleeper: string): WorkerRecord | undefined {
  return workers
    .filter((w) => w.workerId !== sleeper && w.status !== 'offline' && !w.revoked && w.interfaces.some((i) => sameNetwork(i, nic)))
    .sort((a, b) => b.lastHeartbeat - a.lastHeartbeat)[0];
}

/** Resolves when every one of `ids` is online, after `waitMs`, or when `signal` aborts: whichever comes first. */
function untilOnline(ctx: WakeContext, ids: string[], waitMs: number, signal?: AbortSignal): Promise<void> {
  const waiting = new Set(ids);
  const settled = (id: string) => ctx.store.workers.get(id)?.status !== 'offline';
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      ctx.events.off('worker', onWorker);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const onWorker = (id: string) => {
      if (!waiting.has(id) || !settled(id)) return;
      waiting.delete(id);
      if (waiting.size === 0) done();
    };
    const timer = setTimeout(done, waitMs);
    ctx.events.on('worker', onWorker);
    signal?.addEventListener('abort', done, { once: true });
    // Some may have come back while the packets went out.
    for (const id of [...waiting]) onWorker(id);
    if (signal?.aborted) done();
  });
}
