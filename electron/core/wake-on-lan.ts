/**
 * This PC's IPv4 networks and sending a magic packet onto one of them: the coordinator wakes PCs on its
 * own networks, and a worker relays for a network the coordinator has no interface on (the same code).
 * A packet only ever goes to the directed broadcast address of a network this PC has an interface on,
 * from that interface: it stays on the LAN.
 */
import { createSocket } from 'node:dgram';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { broadcastAddress, magicPacket, normalizeMac, WAKE_LIMITS, type LanInterface } from '../../shared/wake.ts';

export interface LocalNetwork extends LanInterface {
  /** The interface's name (eth0, Ethernet 2). */
  name: string;
  netmask: string;
}

const SEND_TIMEOUT_MS = 5000;

/** Every non-internal IPv4 interface with a broadcast address (a /31 or /32 has none), in a stable order. */
export function localNetworks(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): LocalNetwork[] {
  const out: LocalNetwork[] = [];
  for (const [name, addresses] of Object.entries(interfaces)) {
    for (const a of addresses ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const broadcast = broadcastAddress(a.address, a.netmask);
      if (broadcast === null || broadcast === a.address || a.netmask === '255.255.255.254') continue;
      out.push({ name, mac: a.mac.toLowerCase(), address: a.address, netmask: a.netmask, broadcast });
    }
  }
  return out.sort((x, y) => x.name.localeCompare(y.name) || x.address.localeCompare(y.address));
}

/** What a worker reports about itself: its interfaces that have a real MAC (all zeros: a tunnel or a bridge without one), bounded. */
export function lanInterfaces(interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>): LanInterface[] {
  const seen = new Set<string>();
  const out: LanInterface[] = [];
  for (const n of localNetworks(interfaces)) {
    const mac = normalizeMac(n.mac);
    const key = `${mac}/${n.address}`;
    if (mac === null || seen.has(key)) continue;
    seen.add(key);
    out.push({ mac, address: n.address, broadcast: n.broadcast });
  }
  return out.slice(0, WAKE_LIMITS.maxInterfaces);
}

/** This PC's interface on the network whose broadcast address is `broadcast`, if it has one. */
export function networkFor(broadcast: string, networks: LocalNetwork[] = localNetworks()): LocalNetwork | undefined {
  return networks.find((n) => n.broadcast === broadcast);
}

/**
 * Sends one magic packet for `mac` to `broadcast`, UDP port 9, from `bindAddress` (this PC's address on
 * that network, so it leaves by that interface). Rejects with a sentence when the socket cannot send.
 */
export function sendMagicPacket(mac: string, broadcast: string, bindAddress: string, port: number = WAKE_LIMITS.port): Promise<void> {
  const packet = magicPacket(mac);
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(new Error(`could not send a magic packet for ${mac} to ${broadcast} from ${bindAddress}: ${error.message}`));
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`no answer from the socket within ${SEND_TIMEOUT_MS} ms`)), SEND_TIMEOUT_MS);
    socket.once('error', done);
    socket.bind({ address: bindAddress, port: 0, exclusive: true }, () => {
      socket.setBroadcast(true);
      socket.send(packet, port, broadcast, (error) => done(error ?? undefined));
    });
  });
}

/** How the coordinator reaches its networks: its interfaces and a sender (tests give fakes, so nothing leaves the machine). */
export interface WakeTransport {
  networks: () => LocalNetwork[];
  send: (mac: string, broadcast: string, bindAddress: string) => Promise<void>;
}

export const REAL_WAKE_TRANSPORT: WakeTransport = { networks: () => localNetworks(), send: (mac, broadcast, bind) => sendMagicPacket(mac, broadcast, bind) };
