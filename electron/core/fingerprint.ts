/** A certificate's SHA-256 fingerprint as 64 lowercase hex digits (the form workers pin and compare). */
import { createHash } from 'node:crypto';

export function fingerprintOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
