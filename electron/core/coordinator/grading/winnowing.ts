/**
 * Document fingerprints by winnowing (Schleimer, Wilkerson, Aiken, "Winnowing: local algorithms for
 * document fingerprinting", SIGMOD 2003). Every run of k consecutive tokens (a k-gram) gets a 32-bit
 * hash; in every window of w consecutive k-gram hashes the smallest is kept as a fingerprint, with the
 * position of its k-gram.
 *
 * The guarantee: two token streams that share a run of at least w + k - 1 tokens share at least one
 * fingerprint from inside that run, because the run holds a whole window of w identical k-gram hashes
 * and both sides keep that window's minimum. Runs shorter than k tokens are never matched (the noise
 * threshold). About 2 / (w + 1) of the k-grams become fingerprints.
 */

/** Tokens per k-gram: normalised tokens are coarse, so about two lines of code. */
export const DEFAULT_K = 15;
/** Window of k-gram hashes: any shared run of w + k - 1 = 20 tokens (about three lines) is found. */
export const DEFAULT_W = 6;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Odd multiplier of the rolling polynomial hash (arithmetic modulo 2^32 through Math.imul).
const BASE = 0x9e3779b1;

/** FNV-1a over the UTF-16 code units of a string: the code of a token. */
export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/** murmur3's finaliser: spreads a polynomial hash so that window minima fall anywhere. */
function mix(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The hash of every k-gram of `codes` (one per start position), by a rolling polynomial hash. */
export function kgramHashes(codes: ArrayLike<number>, k = DEFAULT_K): Uint32Array {
  const count = Math.max(0, codes.length - k + 1);
  const out = new Uint32Array(count);
  if (count === 0) return out;
  let top = 1; // BASE^(k-1): the weight of the token that leaves the k-gram
  for (let i = 1; i < k; i++) top = Math.imul(top, BASE);
  let h = 0;
  for (let i = 0; i < k; i++) h = (Math.imul(h, BASE) + codes[i]!) | 0;
  out[0] = mix(h);
  for (let i = 1; i < count; i++) {
    h = (Math.imul((h - Math.imul(codes[i - 1]!, top)) | 0, BASE) + codes[i + k - 1]!) | 0;
    out[i] = mix(h);
  }
  return out;
}

export interface Fingerprints {
  hashes: Uint32Array;
  /** The k-gram index (its first token) of each fingerprint, increasing. */
  positions: Uint32Array;
}

/**
 * Robust winnowing: the minimum of each window, the rightmost on a tie unless the previous window's
 * choice is still inside (so a run of equal hashes gives one fingerprint, not one per window). A
 * position is recorded once, when it is first chosen. Fewer than w hashes form one window.
 */
export function winnow(hashes: Uint32Array, w = DEFAULT_W): Fingerprints {
  const picked: number[] = [];
  const n = hashes.length;
  const window = Math.min(w, n);
  let min = -1;
  for (let end = Math.max(0, window - 1); end < n; end++) {
    const start = end - window + 1;
    if (min < start) {
      min = start;
      for (let j = start + 1; j <= end; j++) if (hashes[j]! <= hashes[min]!) min = j;
      picked.push(min);
    } else if (hashes[end]! < hashes[min]!) {
      min = end;
      picked.push(min);
    }
  }
  const positions = Uint32Array.from(picked);
  return { hashes: positions.map((p) => hashes[p]!), positions };
}

/** Winnowed fingerprints of a token stream's codes. */
export function fingerprint(codes: ArrayLike<number>, k = DEFAULT_K, w = DEFAULT_W): Fingerprints {
  return winnow(kgramHashes(codes, k), w);
}
