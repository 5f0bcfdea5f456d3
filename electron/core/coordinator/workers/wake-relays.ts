/**
 * Magic packets waiting for a relay: an online worker on a network the coordinator has no interface on
 * sends them when its next heartbeat or long poll is answered. Kept in memory only (a wake the
 * coordinator forgot in a restart is one the admin re-sends), bounded per worker and in age.
 */
import type { WakeOrder } from '../../../../shared/power-schema.ts';
import { WAKE_LIMITS } from '../../../../shared/wake.ts';

interface Queued extends WakeOrder {
  at: number;
}

export class WakeRelays {
  readonly #queues = new Map<string, Queued[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Asks `relayId` to send a magic packet for `mac` to `broadcast` (once, however often it is asked before it sends). */
  add(relayId: string, order: WakeOrder): void {
    const now = this.#now();
    const queue = this.#fresh(relayId, now).filter((q) => q.mac !== order.mac || q.broadcast !== order.broadcast);
    queue.push({ mac: order.mac, broadcast: order.broadcast, at: now });
    this.#queues.set(relayId, queue.slice(-WAKE_LIMITS.relayQueue));
  }

  /** The packets `relayId` is to send now (at most relaysPerAnswer; the rest wait for its next answer). */
  take(relayId: string): WakeOrder[] {
    const queue = this.#fresh(relayId, this.#now());
    const taken = queue.splice(0, WAKE_LIMITS.relaysPerAnswer);
    if (queue.length === 0) this.#queues.delete(relayId);
    else this.#queues.set(relayId, queue);
    return taken.map(({ mac, broadcast }) => ({ mac, broadcast }));
  }

  /** Whether `relayId` has packets waiting. */
  has(relayId: string): boolean {
    return this.#fresh(relayId, this.#now()).length > 0;
  }

  #fresh(relayId: string, now: number): Queued[] {
    const queue = (this.#queues.get(relayId) ?? []).filter((q) => now - q.at < WAKE_LIMITS.relayTtlMs);
    if (queue.length === 0) this.#queues.delete(relayId);
    return queue;
  }
}
