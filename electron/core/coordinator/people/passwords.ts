/**
 * Passwords, hashed with scrypt (memory-hard, in node:crypto): N = 2^15, r = 8, p = 1 (32 MiB and about 50-100 ms
 * per hash here), a 16-byte random salt, a 32-byte key. Stored as `scrypt$N$r$p$salt$key` (base64url), so the
 * parameters can rise later and old hashes still verify. Hashing runs on libuv's threads, off the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * 2 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, N, r, p, keyLength);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The parameters a stored hash was made with (for the test that pins them, and a later rehash). */
export function hashParameters(stored: string): { N: number; r: number; p: number; saltBytes: number; keyBytes: number } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  return {
    N: Number(parts[1]),
    r: Number(parts[2]),
    p: Number(parts[3]),
    saltBytes: Buffer.from(parts[4]!, 'base64url').length,
    keyBytes: Buffer.from(parts[5]!, 'base64url').length,
  };
}

/** Whether `password` matches `stored`; with no stored hash, the same work is done so timing does not tell. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const params = stored ? hashParameters(stored) : null;
  if (!stored || !params || params.N > 2 ** 20 || params.r > 32 || params.p > 16) {
    await derive(password, randomBytes(SCRYPT_PARAMS.saltLength), SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p, SCRYPT_PARAMS.keyLength);
    return false;
  }
  const parts = stored.split('$');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), params.N, params.r, params.p, expected.length);
  return timingSafeEqual(key, expected);
}

/** A password made for a person (shown once): 20 characters from a 56-letter alphabet without look-alikes, about 116 bits. */
export function newPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(40);
  let out = '';
  for (const byte of bytes) {
    if (byte >= 224) continue; // 224 = 4 × 56: no bias
    out += alphabet[byte % 56];
    if (out.length === 20) break;
  }
  return out.length === 20 ? out : newPassword();
}
