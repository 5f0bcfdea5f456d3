/**
 * Wake-on-LAN and power actions, the pure parts both sides agree on: MAC addresses, IPv4 broadcast
 * addresses and which network an interface is on, the magic packet's bytes, the power actions and
 * the bounds. Sending (node:dgram) is in electron/core/wake-on-lan.ts.
 */
import { clock } from './policy.ts';

/** What a PC can be asked to do, by the admin on the dashboard or `POST /api/workers/power`. */
export const POWER_ACTIONS = ['shutdown', 'reboot', 'logoff'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

export const WAKE_LIMITS = {
  /** Interfaces one worker may report (a PC with more is unusual; the rest are left out). */
  maxInterfaces: 16,
  /** How long `POST /api/workers/wake` may wait for the PCs to come back. */
  maxWaitSeconds: 600,
  /** How long a power action may be announced before it happens. */
  maxPowerDelaySeconds: 3600,
  /** Magic packets one heartbeat (or long-poll) answer asks a relay worker to send; the rest wait for the next. */
  relaysPerAnswer: 16,
  /** Magic packets waiting for one relay worker; older ones beyond this are dropped. */
  relayQueue: 256,
  /** A relay request not picked up by then is pointless: the admin has stopped waiting. */
  relayTtlMs: 120_000,
  /** The UDP port magic packets go to (the discard port, as wakeonlan and etherwake use). */
  port: 9,
} as const;

/** Six pairs of hex digits separated by colons (what Node's os.networkInterfaces() gives), any case. */
export const MAC_PATTERN = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const ZERO_MAC = '00:00:00:00:00:00';

/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff` or `aa:bb:…` → `aa:bb:cc:dd:ee:ff`; null when it is not a usable MAC (all zeros, broadcast, multicast). */
export function normalizeMac(text: string): string | null {
  const hex = text.trim().toLowerCase().replace(/[:.-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  const mac = hex.match(/../g)!.join(':');
  if (mac === ZERO_MAC) return null;
  // The first octet's lowest bit marks a group (multicast or broadcast) address: no NIC has one.
  if (parseInt(hex.slice(0, 2), 16) & 1) return null;
  return mac;
}

/** Why a reported MAC cannot be one, or null when it can. */
export function macProblem(text: string): string | null {
  if (!MAC_PATTERN.test(text)) return 'a MAC address is six pairs of hex digits separated by colons, e.g. 52:54:00:12:34:56';
  if (normalizeMac(text) === null) return 'all-zero, broadcast and multicast MAC addresses cannot be woken';
  return null;
}

/** `192.168.1.10` → its 32 bits, or null when it is not a dotted IPv4 address. */
export function ipv4ToInt(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** The directed broadcast address of the network `address/netmask` is on (`10.1.2.34` and `255.255.255.0` → `10.1.2.255`); null for bad input. */
export function broadcastAddress(address: string, netmask: string): string | null {
  const a = ipv4ToInt(address);
  const m = ipv4ToInt(netmask);
  if (a === null || m === null || prefixLength(m) === null) return null;
  return intToIpv4((a | ~m) >>> 0);
}

/** The prefix length of a contiguous netmask (`255.255.255.0` → 24), or null when the mask has holes. */
function prefixLength(mask: number): number | null {
  const inverted = ~mask >>> 0;
  // A contiguous mask's host part is 2^k - 1: adding one leaves a single bit, or zero for /0.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}

/**
 * Whether `broadcast` can be the broadcast address of a network that holds `address`: the address with
 * every host bit set, for a prefix from /1 to /30 (a /31 or /32 has no broadcast), and not the address itself.
 */
export function isBroadcastFor(broadcast: string, address: string): boolean {
  const b = ipv4ToInt(broadcast);
  const a = ipv4ToInt(address);
  if (b === null || a === null || a === b) return false;
  for (let prefix = 1; prefix <= 30; prefix++) {
    const host = 2 ** (32 - prefix) - 1;
    if ((a | host) >>> 0 === b) return true;
  }
  return false;
}

/** One IPv4 interface of a PC, as a worker reports it: its MAC, its address, and its network's broadcast address. */
export interface LanInterface {
  mac: string;
  address: string;
  broadcast: string;
}

/**
 * Whether two interfaces are on the same network: the same directed broadcast address (a magic packet
 * sent to it from one reaches the other's NIC). Broadcast addresses are compared, not addresses, since
 * a sleeping PC's address means nothing to the network until it wakes.
 */
export function sameNetwork(a: Pick<LanInterface, 'broadcast'>, b: Pick<LanInterface, 'broadcast'>): boolean {
  return ipv4ToInt(a.broadcast) !== null && ipv4ToInt(a.broadcast) === ipv4ToInt(b.broadcast);
}

/** Wake-on-LAN's magic packet: six bytes of 0xFF, then the MAC's six bytes sixteen times (102 bytes). */
export function magicPacket(mac: string): Uint8Array {
  const normal = normalizeMac(mac);
  if (normal === null) throw new Error(`"${mac.slice(0, 40)}" is not a MAC address a magic packet can name.`);
  const bytes = normal.split(':').map((pair) => parseInt(pair, 16));
  const packet = new Uint8Array(6 + 16 * 6).fill(0xff, 0, 6);
  for (let i = 0; i < 16; i++) packet.set(bytes, 6 + i * 6);
  return packet;
}

/** "shut down", "restart", "log off": the action in words. */
export function powerActionWords(action: PowerAction): string {
  return action === 'shutdown' ? 'shut down' : action === 'reboot' ? 'restart' : 'log off';
}

/** 90 → "1 min 30 s", 300 → "5 min", 20 → "20 s". */
export function durationWords(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/**
 * What the person at a PC is told while a power action's time runs: "This PC will shut down at 14:05
 * (in 4 min 30 s), as the lab's admin asked: save your work." Without `now`, no time left (a tray's text
 * is not redrawn every second).
 */
export function powerNoticeWords(notice: { action: PowerAction; at: number }, now?: number): string {
  const left = now === undefined ? '' : notice.at > now ? ` (in ${durationWords((notice.at - now) / 1000)})` : ' (now)';
  return `This PC will ${powerActionWords(notice.action)} at ${clock(new Date(notice.at))}${left}, as the lab's admin asked: save your work.`;
}
