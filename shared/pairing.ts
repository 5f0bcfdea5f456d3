/**
 * The pairing code a PC asking to join shows on its screen and the dashboard shows beside its
 * request, derived from the coordinator's certificate (as the PC saw it) and the PC's key: a
 * spoofed coordinator shows a different code. 60 bits (12 characters of Crockford's base32), so
 * nobody can search for a key that gives a code they read off a screen; the PC also shows the start
 * of the fingerprint it pinned, for the admin to compare with the dashboard's.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export async function pairingCode(fingerprintHex: string, workerKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`cmdx-pairing:${fingerprintHex.toLowerCase()}:${workerKey}`)));
  let bits = 0n;
  for (const byte of digest.subarray(0, 8)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < 12; i++) code += ALPHABET[Number((bits >> BigInt(59 - i * 5)) & 31n)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}
