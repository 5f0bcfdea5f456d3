/**
 * The coordinator's own TLS certificate: self-signed (ECDSA P-256), made on first start and kept in
 * the data dir (key file 0600), valid for 20 years. Workers pin it by its SHA-256 fingerprint, so
 * its names matter only to browsers; they cover this PC's hostname and its addresses at creation.
 */
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import 'reflect-metadata'; // @peculiar/x509 resolves its parts through tsyringe, which needs it loaded first
import * as x509 from '@peculiar/x509';
import { lanAddresses } from '../../../lan.ts';
import { fingerprintOf } from '../../../fingerprint.ts';

export interface CoordinatorCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate's DER bytes, as 64 lowercase hex digits. */
  fingerprint: string;
}

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

/** A new ECDSA P-256 key and a self-signed server certificate naming `hosts` (DNS names or IP addresses). */
export async function createCertificate(options: { commonName: string; hosts: string[]; validDays: number }): Promise<CoordinatorCertificate> {
  // Node's webcrypto is the Web Crypto API x509 expects; only the type names differ.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const names = options.hosts.map((value): x509.JsonGeneralName => ({ type: isIP(value) ? 'ip' : 'dns', value }));
  const notBefore = new Date(Date.now() - 24 * 3600_000); // a PC whose clock is a little behind still accepts it
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${options.commonName.replace(/[,=+<>#;"\\]/g, '-')}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + options.validDays * 24 * 3600_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension(names),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem') + '\n', keyPem, fingerprint: fingerprintOf(Buffer.from(cert.rawData)) };
}
