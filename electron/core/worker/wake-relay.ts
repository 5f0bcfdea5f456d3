/**
 * Relaying magic packets: the coordinator has no interface on this PC's network, so it asks this worker
 * (in a heartbeat's or long poll's answer) to send them, from its interface on that network, to that
 * network's broadcast address. Nothing listens for this: it only ever answers the coordinator's answers.
 */
import { WAKE_LIMITS } from '../../../shared/wake.ts';
import type { WakeOrder } from '../../../shared/power-schema.ts';
import type { Logger } from '../logger.ts';
import { localNetworks, networkFor, sendMagicPacket, type LocalNetwork } from '../wake-on-lan.ts';

export interface RelayOptions {
  logger: Logger;
  networks?: () => LocalNetwork[];
  send?: (mac: string, broadcast: string, bindAddress: string) => Promise<void>;
}

/** Sends each packet asked for on a network this PC is on (at most relaysPerAnswer); resolves with how many went out. */
export async function relayWake(orders: WakeOrder[], options: RelayOptions): Promise<number> {
  const networks = (options.networks ?? localNetworks)();
  const send = options.send ?? sendMagicPacket;
  let sent = 0;
  for (const order of orders.slice(0, WAKE_LIMITS.relaysPerAnswer)) {
    const own = networkFor(order.broadcast, networks);
    if (!own) {
      options.logger.warn('asked to wake a PC on a network this PC is not on: skipped', { mac: order.mac, broadcast: order.broadcast });
      continue;
    }
    try {
      await send(order.mac, order.broadcast, own.address);
      sent++;
      options.logger.info('sent a magic packet for a PC on this network (relayed for the coordinator)', {
        mac: order.mac,
        broadcast: order.broadcast,
        from: own.address,
      });
    } catch (error) {
      options.logger.warn('could not relay a magic packet', { mac: order.mac, broadcast: order.broadcast, error: (error as Error).message });
    }
  }
  return sent;
}
