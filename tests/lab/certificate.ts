/** Throwaway self-signed certificates (ECDSA P-256) for test servers and the MITM proxy. */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import 'reflect-metadata'; // @peculiar/x509 resolves its parts through tsyringe, which needs it loaded first
import * as x509 from '@peculiar/x509';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate's DER bytes, 64 lowercase hex digits (the project's pin format). */
  fingerprint: string;
}

/** Node's `getPeerCertificate().fingerprint256` ("AB:CD:...") in the project's pin format. */
export function normalizeFingerprint(colonHex: string): string {
  return colonHex.replaceAll(':', '').toLowerCase();
}

/** A new key pair and a self-signed certificate naming `hosts` (DNS names or IP addresses), valid for a day. */
export async function createTestCertificate(commonName: string, hosts: string[] = ['localhost', '127.0.0.1']): Promise<TestCertificate> {
  // Node's webcrypto is the Web Crypto API x509 expects; only the type names differ.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 3600_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    name: `CN=${commonName.replace(/[,=+<>#;"\\]/g, '-')}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 25 * 3600_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension(hosts.map((value): x509.JsonGeneralName => ({ type: isIP(value) ? 'ip' : 'dns', value }))),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem') + '\n', keyPem, fingerprint: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex') };
}
