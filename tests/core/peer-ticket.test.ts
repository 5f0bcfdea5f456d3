/** Tickets for peer downloads: a serving worker accepts only the coordinator's, for itself, that zip, that receiver, in time. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  checkTicket,
  MAX_TICKET_LENGTH,
  TICKET_LIFETIME_MS,
  ticketKey,
  TicketSigner,
  type PeerTicket,
  type TicketExpectations,
} from '../../electron/core/peer-ticket.ts';

const SHA = 'a'.repeat(64);
const CERT = 'c'.repeat(64);
const NOW = 1_800_000_000_000;

describe('peer tickets', () => {
  const signer = new TicketSigner();
  const key = ticketKey(signer.publicKey)!;
  const ticket: PeerTicket = { sha256: SHA, size: 10, jobId: 'job-1', from: 'pc-1', to: 'pc-2', toCert: CERT, exp: NOW + TICKET_LIFETIME_MS };
  const want: TicketExpectations = { key, self: 'pc-1', sha256: SHA, clientCert: CERT, now: NOW };
  const reason = (text: string, changes: Partial<TicketExpectations> = {}) => {
    const check = checkTicket(text, { ...want, ...changes });
    return check.ok ? 'ok' : check.reason;
  };

  it('lets the named receiver fetch the named zip from the named peer until it expires', () => {
    const check = checkTicket(signer.issue(ticket), want);
    assert.ok(check.ok);
    assert.deepEqual(check.ticket, ticket);
  });

  it('refuses it expired, or with a lifetime longer than the coordinator gives', () => {
    assert.equal(reason(signer.issue(ticket), { now: NOW + TICKET_LIFETIME_MS + 1 }), 'expired');
    assert.equal(reason(signer.issue({ ...ticket, exp: NOW + 10 * TICKET_LIFETIME_MS })), 'expired');
  });

  it('refuses it at another peer, for another zip, or from a client with another certificate (another worker)', () => {
    const text = signer.issue(ticket);
    assert.equal(reason(text, { self: 'pc-3' }), 'other_peer');
    assert.equal(reason(text, { sha256: 'b'.repeat(64) }), 'other_zip');
    assert.equal(reason(text, { clientCert: 'd'.repeat(64) }), 'other_certificate');
  });

  it('refuses one signed by another key, or altered after signing', () => {
    assert.equal(reason(new TicketSigner().issue(ticket)), 'bad_signature');
    const [, signature] = signer.issue(ticket).split('.');
    const altered = Buffer.from(JSON.stringify({ ...ticket, toCert: 'd'.repeat(64) })).toString('base64url');
    assert.equal(reason(`${altered}.${signature}`, { clientCert: 'd'.repeat(64) }), 'bad_signature');
  });

  it('refuses text that is not a ticket, unread when too long', () => {
    for (const text of ['', 'abc', 'a.b.c', `${'x'.repeat(MAX_TICKET_LENGTH)}.y`]) assert.equal(reason(text), 'malformed', text.slice(0, 20));
    // Signed but with fields out of shape: still refused.
    assert.equal(reason(signer.issue({ ...ticket, from: 'pc 1; rm' })), 'malformed');
    assert.equal(reason(signer.issue({ ...ticket, size: -1 })), 'malformed');
  });

  it('takes only an Ed25519 public key as the coordinator key', () => {
    assert.equal(ticketKey('not base64 at all'), undefined);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    assert.equal(ticketKey(rsa), undefined);
  });
});
