/**
 * A minimal self-signed certificate (X.509 v3, ECDSA P-256, no extensions) written in DER with node:crypto
 * alone: peers pin it by its SHA-256 fingerprint and never read names or usages from it, and a certificate
 * library would add some 20 MB to every worker that makes one.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { fingerprintOf } from '../fingerprint.ts';

export interface PeerCertificate {
  certPem: string;
  keyPem: string;
  fingerprint: string;
}

/** ecdsa-with-SHA256 (1.2.840.10045.4.3.2), commonName (2.5.4.3). */
const ECDSA_SHA256 = Buffer.from('06082a8648ce3d040302', 'hex');
const COMMON_NAME = Buffer.from('0603550403', 'hex');

export function makePeerCertificate(commonName: string, validDays: number, now = Date.now()): PeerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = seq(set(seq(COMMON_NAME, tlv(0x0c, Buffer.from(commonName.slice(0, 64), 'utf8')))));
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and without a leading zero byte
  const notBefore = now - 24 * 3600_000; // a PC whose clock is a little behind still accepts it
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    seq(ECDSA_SHA256),
    name,
    seq(time(notBefore), time(notBefore + validDays * 24 * 3600_000)),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = seq(tbs, seq(ECDSA_SHA256), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { certPem: pem('CERTIFICATE', der), keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), fingerprint: fingerprintOf(der) };
}

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

function seq(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280, 4.1.2.5). */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return new Date(ms).getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END ${label}-----\n`;
}
