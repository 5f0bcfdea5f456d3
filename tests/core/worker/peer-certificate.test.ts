/** A worker's peer certificate: a valid self-signed X.509 made without a library, kept private in its work dir. */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makePeerCertificate } from '../../../electron/core/worker/peer-certificate.ts';
import { loadOrCreatePeerIdentity } from '../../../electron/core/worker/peer-identity.ts';
import { tempDir } from '../../helpers/coordinator.ts';

describe("a worker's peer certificate", () => {
  const dir = tempDir('cmdx-peer-cert-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is a self-signed ECDSA certificate, its fingerprint the SHA-256 of its DER', () => {
    const made = makePeerCertificate('CMD Executor worker on lab-pc-01', 7300);
    const cert = new X509Certificate(made.certPem);
    assert.ok(cert.verify(cert.publicKey));
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.subject, 'CN=CMD Executor worker on lab-pc-01');
    assert.equal(made.fingerprint, cert.fingerprint256.replaceAll(':', '').toLowerCase());
    assert.ok(cert.checkPrivateKey(createPrivateKey(made.keyPem)), "the key is the certificate's");
  });

  it('writes dates after 2049 as GeneralizedTime', () => {
    const cert = new X509Certificate(makePeerCertificate('x', 365, Date.UTC(2049, 6, 1)).certPem);
    assert.match(cert.validTo, /2050/);
  });

  it('is made once and kept private: the folder 0700, the key 0600', { skip: process.platform === 'win32' }, () => {
    const first = loadOrCreatePeerIdentity(dir);
    assert.equal(loadOrCreatePeerIdentity(dir).fingerprint, first.fingerprint);
    assert.equal(statSync(join(dir, 'peer')).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'peer', 'key.pem')).mode & 0o777, 0o600);
  });
});
