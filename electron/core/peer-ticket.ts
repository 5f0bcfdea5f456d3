/**
 * A ticket to fetch one zip from one peer: issued by the coordinator (Ed25519, a key made at its start),
 * checked by the worker that serves. It names the zip, the job it was issued for, the serving worker, the
 * receiving worker and the fingerprint of the TLS client certificate the receiver must present, and it
 * expires within a minute, so a ticket read off the wire or out of a log would be of no use to anyone else.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** How long a ticket may be used to start a transfer (the transfer itself may take longer). */
export const TICKET_LIFETIME_MS = 60_000;
/** Longer is refused unread. */
export const MAX_TICKET_LENGTH = 1024;
/** Clocks differ a little even after the heartbeat's correction. */
const CLOCK_SLACK_MS = 5_000;

export interface PeerTicket {
  /** The zip's SHA-256, recorded by the coordinator at upload. */
  sha256: string;
  size: number;
  jobId: string;
  /** The serving worker. */
  from: string;
  /** The receiving worker, and its certificate's fingerprint. */
  to: string;
  toCert: string;
  /** Expiry on the coordinator's clock (ms). */
  exp: number;
}

export type TicketRefusal = 'malformed' | 'bad_signature' | 'expired' | 'other_peer' | 'other_zip' | 'other_certificate';
export type TicketCheck = { ok: true; ticket: PeerTicket } | { ok: false; reason: TicketRefusal };

const HEX64 = /^[0-9a-f]{64}$/;
const ID = /^[\w.:@-]{1,200}$/;

/** The coordinator's half: a key pair for this process's life. */
export class TicketSigner {
  readonly #keys = generateKeyPairSync('ed25519');

  /** The public key (SPKI DER, base64) workers check tickets with; it rides on heartbeat answers. */
  get publicKey(): string {
    return this.#keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  issue(ticket: PeerTicket): string {
    const payload = Buffer.from(JSON.stringify(ticket)).toString('base64url');
    return `${payload}.${sign(null, Buffer.from(payload), this.#keys.privateKey).toString('base64url')}`;
  }
}

/** The serving worker's half: the coordinator's public key, or undefined when it is not one. */
export function ticketKey(base64: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

export interface TicketExpectations {
  key: KeyObject;
  /** This worker's id: a ticket for another peer is refused. */
  self: string;
  /** The zip asked for. */
  sha256: string;
  /** The fingerprint of the client certificate the TLS handshake proved. */
  clientCert: string;
  /** Now on the coordinator's clock. */
  now: number;
}

/** Whether `text` lets the caller fetch `sha256` from this worker now. */
export function checkTicket(text: string, want: TicketExpectations): TicketCheck {
  if (text.length > MAX_TICKET_LENGTH) return { ok: false, reason: 'malformed' };
  const [payload, signature, extra] = text.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  if (!verify(null, Buffer.from(payload), want.key, Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad_signature' };
  const ticket = parsePayload(payload);
  if (!ticket) return { ok: false, reason: 'malformed' };
  if (ticket.exp < want.now || ticket.exp > want.now + TICKET_LIFETIME_MS + CLOCK_SLACK_MS) return { ok: false, reason: 'expired' };
  if (ticket.from !== want.self) return { ok: false, reason: 'other_peer' };
  if (ticket.sha256 !== want.sha256) return { ok: false, reason: 'other_zip' };
  if (ticket.toCert !== want.clientCert) return { ok: false, reason: 'other_certificate' };
  return { ok: true, ticket };
}

/** The signed JSON, field by field (a signed ticket is the coordinator's, but it is still read carefully). */
function parsePayload(payload: string): PeerTicket | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { sha256, size, jobId, from, to, toCert, exp } = raw ?? {};
  const texts = [sha256, toCert].every((v) => typeof v === 'string' && HEX64.test(v)) && [jobId, from, to].every((v) => typeof v === 'string' && ID.test(v));
  const numbers = Number.isSafeInteger(size) && (size as number) >= 0 && Number.isSafeInteger(exp);
  return texts && numbers ? ({ sha256, size, jobId, from, to, toCert, exp } as PeerTicket) : undefined;
}
