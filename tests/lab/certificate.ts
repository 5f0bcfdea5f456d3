/** Throwaway self-signed certificates (ECDSA P-256) for test servers and the MITM proxy. */
import { createCertificate } from '../../electron/core/coordinator/http/tls/certificate.ts';

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
export function createTestCertificate(commonName: string, hosts: string[] = ['localhost', '127.0.0.1']): Promise<TestCertificate> {
  return createCertificate({ commonName, hosts, validDays: 1 });
}
