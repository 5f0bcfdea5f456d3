/**
 * The certificate this worker serves zips to its peers with, and shows as a client when it fetches from one:
 * made once (ECDSA P-256, self-signed), kept in its private work dir (<work-dir>/peer, key 0600), where a job
 * cannot read it. Peers pin it by the fingerprint the coordinator hands out with each ticket.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../fingerprint.ts';
import { privateDir, privateFile } from '../paths.ts';

export interface PeerIdentity {
  certPem: string;
  keyPem: string;
  fingerprint: string;
}

const VALID_DAYS = 20 * 365;

export async function loadOrCreatePeerIdentity(workDir: string): Promise<PeerIdentity> {
  const dir = privateDir(join(workDir, 'peer'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    privateFile(keyFile);
    const certPem = readFileSync(certFile, 'utf8');
    return { certPem, keyPem: readFileSync(keyFile, 'utf8'), fingerprint: fingerprintOf(new X509Certificate(certPem).raw) };
  }
  // Loaded only the first time: the certificate library is a few MB a worker does not need afterwards.
  const { createCertificate } = await import('../self-signed.ts');
  const made = await createCertificate({ commonName: `CMD Executor worker on ${hostname()}`, hosts: [hostname()], validDays: VALID_DAYS, clientAuth: true });
  writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
  writeFileSync(certFile, made.certPem, { mode: 0o600 });
  return made;
}
