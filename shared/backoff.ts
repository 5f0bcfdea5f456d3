/** Exponential backoff, capped, with jitter (0.5x to 1.5x) so a lab of clients never retries in step. */
export function backoffMs(attempt: number, capMs = 30_000, baseMs = 500): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16)) * (0.5 + Math.random());
}
