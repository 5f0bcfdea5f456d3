/**
 * Certificate pinning for the worker and the terminal client: the coordinator's self-signed
 * certificate is trusted only if its SHA-256 fingerprint is the one they were given (join line,
 * discovery plus approval, --fingerprint, the client's profile). The pinned certificate is the only
 * CA of the HTTPS agent, and its fingerprint is checked again in the handshake, so no request (and
 * no token) is ever sent to another certificate.
 */
import { X509Certificate } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';
import { displayFingerprint } from '../../shared/fingerprint.ts';
import { fingerprintOf } from './fingerprint.ts';

/** A reason not to talk to the coordinator at all: its certificate cannot be trusted. */
export class PinningError extends Error {}

/** What a worker is told to do about a certificate it cannot trust (the client passes its own advice). */
const WORKER_ADVICE = {
  nothingPinned: 'join with the join line from its dashboard (or pass --fingerprint), or ask to join without a token.',
  mismatch: 'join again with a new join line from its dashboard.',
};

/** No certificate is pinned for an https coordinator, so nothing may be sent to it. */
export class NothingPinned extends PinningError {
  constructor(origin: string, advice = WORKER_ADVICE.nothingPinned) {
    super(`No certificate fingerprint is known for ${origin}; ${advice}`);
    this.name = 'NothingPinned';
  }
}

/** The coordinator showed a certificate other than the pinned one. */
export class CertificateMismatch extends PinningError {
  constructor(origin: string, presented: string, expected: string, advice = WORKER_ADVICE.mismatch) {
    super(
      `The coordinator at ${origin} presented certificate SHA-256 ${displayFingerprint(presented)}, expected ${displayFingerprint(expected)}: ` +
        `the traffic may be intercepted, or the coordinator was reinstalled; ${advice}`,
    );
    this.name = 'CertificateMismatch';
  }
}

/** TLS errors that mean "not the certificate we trust", as opposed to "cannot reach it". */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERR_CMDX_PIN_MISMATCH',
]);

export function isCertificateError(error: unknown): boolean {
  return CERTIFICATE_ERRORS.has((error as NodeJS.ErrnoException)?.code ?? '');
}

/** Opens a TLS connection, reads the certificate, closes it: nothing is sent but the TLS hello. */
export function presentedCertificate(url: URL, timeoutMs = 10_000): Promise<{ fingerprint: string; pem: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443), rejectUnauthorized: false, timeout: timeoutMs });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(true);
      socket.destroy();
      if (!cert?.raw) return reject(new Error(`${url.origin} presented no certificate.`));
      resolve({ fingerprint: fingerprintOf(cert.raw), pem: new X509Certificate(cert.raw).toString() });
    });
    socket.once('timeout', () => socket.destroy(Object.assign(new Error(`no TLS answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
  });
}

/** An HTTPS agent that trusts exactly this certificate. */
export function pinnedAgent(pem: string, fingerprint: string): HttpsAgent {
  return new HttpsAgent({
    keepAlive: true,
    maxSockets: 8,
    ca: pem,
    rejectUnauthorized: true,
    // The address may differ from the names in the certificate (DHCP, NAT): the fingerprint is what counts.
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      fingerprintOf(cert.raw) === fingerprint ? undefined : Object.assign(new Error('certificate fingerprint mismatch'), { code: 'ERR_CMDX_PIN_MISMATCH' }),
  });
}
