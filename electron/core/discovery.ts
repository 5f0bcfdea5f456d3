/**
 * Finding a coordinator on the LAN with DNS-SD over multicast DNS (`_cmdx._tcp`): the coordinator
 * announces its port and certificate fingerprint, a worker browses for a few seconds. mDNS is
 * unauthenticated, so what it says is only a hint: the worker still checks the certificate it is
 * shown, and the admin compares pairing codes before approving.
 */
import { Bonjour, type Service } from 'bonjour-service';
import { hostname } from 'node:os';

export const SERVICE_TYPE = 'cmdx';

export interface FoundCoordinator {
  name: string;
  /** IPv4 addresses first. */
  addresses: string[];
  port: number;
  /** The fingerprint it announced (64 hex), or null for a plain-HTTP coordinator. */
  fingerprint: string | null;
}

/** Announces this coordinator until `stop()`. */
export function announce(options: { port: number; fingerprint: string | null; name?: string }): { stop(): Promise<void> } {
  const bonjour = new Bonjour();
  bonjour.publish({
    name: options.name ?? `CMD Executor on ${hostname()}`,
    type: SERVICE_TYPE,
    port: options.port,
    txt: { v: '1', ...(options.fingerprint ? { fp: options.fingerprint } : { plain: '1' }) },
  });
  return { stop: () => new Promise((resolve) => bonjour.unpublishAll(() => bonjour.destroy(() => resolve()))) };
}

/** The coordinators that answer within `timeoutMs`. */
export function discover(timeoutMs = 3000): Promise<FoundCoordinator[]> {
  const bonjour = new Bonjour();
  const found = new Map<string, FoundCoordinator>();
  const browser = bonjour.find({ type: SERVICE_TYPE }, (service: Service) => {
    const entry = toFound(service);
    if (entry) found.set(`${entry.name}|${entry.port}`, entry);
  });
  return new Promise((resolve) => {
    setTimeout(() => {
      browser.stop();
      bonjour.destroy();
      resolve([...found.values()]);
    }, timeoutMs);
  });
}

function toFound(service: Service): FoundCoordinator | undefined {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const fp = typeof txt.fp === 'string' && /^[0-9a-f]{64}$/.test(txt.fp) ? txt.fp : null;
  if (!fp && txt.plain !== '1') return undefined;
  const addresses = [...(service.addresses ?? []), ...(service.referer ? [service.referer.address] : [])];
  const unique = [...new Set(addresses)].sort((a, b) => Number(b.includes('.')) - Number(a.includes('.')));
  if (unique.length === 0) return undefined;
  return { name: service.name, addresses: unique, port: service.port, fingerprint: fp };
}
