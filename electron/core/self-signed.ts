/**
 * Self-signed certificates (ECDSA P-256) for the coordinator's TLS and a worker's peer server. Whoever
 * talks to them pins the SHA-256 fingerprint, so the names in them matter only to browsers.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import 'reflect-metadata'; // @peculiar/x509 resolves its parts through tsyringe, which needs it loaded first
import * as x509 from '@peculiar/x509';
import { fingerprintOf } from './fingerprint.ts';

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate's DER bytes, as 64 lowercase hex digits. */
  fingerprint: string;
}

export interface CertificateRequest {
  commonName: string;
  /** DNS names or IP addresses. */
  hosts: string[];
  validDays: number;
  /** A worker's peer certificate is also its client certificate when it fetches from a peer. */
  clientAuth?: boolean;
}

/** A new ECDSA P-256 key and a self-signed certificate naming `hosts`. */
export async function createCertificate(options: CertificateRequest): Promise<SelfSignedCertificate> {
  // Node's webcrypto is the Web Crypto API x509 expects; only the type names differ.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const names = options.hosts.map((value): x509.JsonGeneralName => ({ type: isIP(value) ? 'ip' : 'dns', value }));
  const notBefore = new Date(Date.now() - 24 * 3600_000); // a PC whose clock is a little behind still accepts it
  const usages = [x509.ExtendedKeyUsage.serverAuth, ...(options.clientAuth ? [x509.ExtendedKeyUsage.clientAuth] : [])];
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
      new x509.ExtendedKeyUsageExtension(usages),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem') + '\n', keyPem, fingerprint: fingerprintOf(Buffer.from(cert.rawData)) };
}
