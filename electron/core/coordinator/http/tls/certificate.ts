/**
 * The coordinator's own TLS certificate: self-signed (ECDSA P-256), made on first start and kept in
 * the data dir (key file 0600), valid for 20 years. Workers pin it by its SHA-256 fingerprint, so
 * its names matter only to browsers; they cover this PC's hostname and its addresses at creation.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lanAddresses } from '../../../lan.ts';
import { fingerprintOf } from '../../../fingerprint.ts';
import { createCertificate, type SelfSignedCertificate } from '../../../self-signed.ts';

export { createCertificate };
export type CoordinatorCertificate = SelfSignedCertificate;

export const CERT_FILE = 'tls-cert.pem';
export const KEY_FILE = 'tls-key.pem';
const VALID_YEARS = 20;

/** The certificate kept in `dataDir`, or a new one written there. */
export async function loadOrCreateCertificate(dataDir: string): Promise<CoordinatorCertificate> {
  const certFile = join(dataDir, CERT_FILE);
  const keyFile = join(dataDir, KEY_FILE);
  if (existsSync(certFile) && existsSync(keyFile)) {
    chmodSync(keyFile, 0o600);
    const certPem = readFileSync(certFile, 'utf8');
    return { certPem, keyPem: readFileSync(keyFile, 'utf8'), fingerprint: fingerprintOf(new X509Certificate(certPem).raw) };
  }
  const host = hostname();
  const created = await createCertificate({
    commonName: `CMD Executor coordinator on ${host}`,
    hosts: [host, 'localhost', '127.0.0.1', ...lanAddresses()],
    validDays: VALID_YEARS * 365,
  });
  writeFileSync(keyFile, created.keyPem, { mode: 0o600 });
  writeFileSync(certFile, created.certPem, { mode: 0o644 });
  return created;
}
