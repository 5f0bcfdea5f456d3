/**
 * The certificate this worker serves zips to its peers with, and shows as a client when it fetches from one:
 * made once (peer-certificate.ts), kept in its private work dir (<work-dir>/peer, key 0600), where a job
 * cannot read it. Peers pin it by the fingerprint the coordinator hands out with each ticket.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../fingerprint.ts';
import { privateDir, privateFile } from '../paths.ts';
import { makePeerCertificate } from './peer-certificate.ts';

export interface PeerIdentity {
  certPem: string;
  keyPem: string;
  fingerprint: string;
}

const VALID_DAYS = 20 * 365;

export function loadOrCreatePeerIdentity(workDir: string): PeerIdentity {
  const dir = privateDir(join(workDir, 'peer'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    privateFile(keyFile);
    const certPem = readFileSync(certFile, 'utf8');
    return { certPem, keyPem: readFileSync(keyFile, 'utf8'), fingerprint: fingerprintOf(new X509Certificate(certPem).raw) };
  }
  const made = makePeerCertificate(`CMD Executor worker on ${hostname()}`, VALID_DAYS);
  writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
  writeFileSync(certFile, made.certPem, { mode: 0o600 });
  return made;
}
