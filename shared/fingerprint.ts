/** Certificate fingerprints: SHA-256 of the DER bytes, compared as 64 lowercase hex digits. */

/** `AB:CD:…` (browsers, Node's fingerprint256) or `abcd…` to 64 lowercase hex digits; undefined if it is neither. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/[:\s]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** `AB:CD:…`, the way browsers show a fingerprint, for people to compare. */
export function displayFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}
