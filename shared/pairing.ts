/**
 * The pairing code a PC asking to join shows on its screen and the dashboard shows beside its
 * request. It is derived from the coordinator's certificate (as the PC saw it) and the PC's key, so
 * a spoofed coordinator, or a request from another PC, shows a different code.
 */
export async function pairingCode(fingerprintHex: string, workerKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`cmdx-pairing:${fingerprintHex.toLowerCase()}:${workerKey}`));
  const n = new DataView(digest).getUint32(0) % 1_000_000;
  const digits = String(n).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
