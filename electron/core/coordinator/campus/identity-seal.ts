/**
 * The campus identity file's envelope: the identity sealed with a passphrase, scrypt (N=2^15, random
 * salt) then AES-256-GCM, its header (version, scrypt's settings, salt, nonce) bound in as associated
 * data, so a changed setting, a flipped byte or another passphrase all fail the same check.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

/** The file's format; a reader refuses any other. */
export const SEAL_VERSION = 1;
/** scrypt's cost: N=2^15, r=8 (32 MiB, about 0.1 s), the floor OWASP gives for scrypt. */
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 };
/** A file may ask for more work, never unbounded work (a crafted file would pin a CPU or the memory). */
const MAX_COST = { N: 2 ** 20, r: 16, p: 4 };
/** The identity is a certificate, a key and two tokens: a few KiB. */
export const MAX_SEALED_BYTES = 64 * 1024;
export const MIN_PASSPHRASE_LENGTH = 12;
export const MAX_PASSPHRASE_LENGTH = 1024;

interface Header {
  format: 'cmdx-campus-identity';
  version: number;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string };
}

interface Envelope extends Header {
  tag: string;
  data: string;
}

/** A file that cannot be opened: the sentence says what to do. */
export class IdentityFileError extends Error {}

/** `plain` sealed with `passphrase`: the file's whole text (JSON). */
export async function seal(plain: Buffer, passphrase: string, cost = DEFAULT_COST): Promise<string> {
  checkPassphrase(passphrase, MIN_PASSPHRASE_LENGTH);
  const header: Header = {
    format: 'cmdx-campus-identity',
    version: SEAL_VERSION,
    kdf: { name: 'scrypt', ...cost, salt: randomBytes(16).toString('base64') },
    cipher: { name: 'aes-256-gcm', iv: randomBytes(12).toString('base64') },
  };
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, header), Buffer.from(header.cipher.iv, 'base64'));
  cipher.setAAD(headerBytes(header));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const envelope: Envelope = { ...header, tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return JSON.stringify(envelope, null, 2) + '\n';
}

/** The sealed bytes, or an IdentityFileError: not such a file, another version, another passphrase or changed. */
export async function open(text: string, passphrase: string): Promise<Buffer> {
  checkPassphrase(passphrase, 1);
  const envelope = parseEnvelope(text);
  const decipher = createDecipheriv('aes-256-gcm', await deriveKey(passphrase, envelope), Buffer.from(envelope.cipher.iv, 'base64'));
  decipher.setAAD(headerBytes(envelope));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
  } catch {
    throw new IdentityFileError(
      'The identity file does not open with this passphrase: either the passphrase is wrong or the file was changed. Check the passphrase, or export the file again on the first coordinator (cmdx coordinator export-identity).',
    );
  }
}

function checkPassphrase(passphrase: string, min: number): void {
  if (passphrase.length < min || passphrase.length > MAX_PASSPHRASE_LENGTH) {
    throw new IdentityFileError(`The passphrase must be ${min} to ${MAX_PASSPHRASE_LENGTH} characters (got ${passphrase.length}).`);
  }
}

/** The header as bound into the tag: a fixed order of its fields, so a reader rebuilds the same bytes. */
function headerBytes(h: Header): Buffer {
  return Buffer.from(JSON.stringify([h.format, h.version, h.kdf.name, h.kdf.N, h.kdf.r, h.kdf.p, h.kdf.salt, h.cipher.name, h.cipher.iv]));
}

function deriveKey(passphrase: string, h: Header): Promise<Buffer> {
  const { N, r, p, salt } = h.kdf;
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), Buffer.from(salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** The envelope's fields checked before any work is done for it. */
function parseEnvelope(text: string): Envelope {
  const notOurs = new IdentityFileError('That is not a campus identity file; use the file `cmdx coordinator export-identity` wrote.');
  if (Buffer.byteLength(text) > MAX_SEALED_BYTES) throw notOurs;
  let e: Envelope;
  try {
    e = JSON.parse(text) as Envelope;
  } catch {
    throw notOurs;
  }
  if (typeof e !== 'object' || e === null || e.format !== 'cmdx-campus-identity') throw notOurs;
  if (e.version !== SEAL_VERSION) {
    throw new IdentityFileError(
      `The identity file is version ${String(e.version)}; this cmdx reads version ${SEAL_VERSION}. Export it again with this version of cmdx.`,
    );
  }
  const { kdf, cipher } = e;
  const fits = (n: unknown, max: number) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;
  const b64 = (s: unknown, bytes?: number) =>
    typeof s === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && (bytes === undefined || Buffer.from(s, 'base64').length === bytes);
  const ok =
    kdf?.name === 'scrypt' &&
    fits(kdf.N, MAX_COST.N) &&
    (kdf.N & (kdf.N - 1)) === 0 &&
    kdf.N >= DEFAULT_COST.N &&
    fits(kdf.r, MAX_COST.r) &&
    fits(kdf.p, MAX_COST.p) &&
    b64(kdf.salt, 16) &&
    cipher?.name === 'aes-256-gcm' &&
    b64(cipher.iv, 12) &&
    b64(e.tag, 16) &&
    b64(e.data);
  if (!ok)
    throw new IdentityFileError('The identity file was changed or is damaged; export it again on the first coordinator (cmdx coordinator export-identity).');
  return e;
}
