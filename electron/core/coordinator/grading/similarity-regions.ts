/**
 * Where two submissions match, as line ranges a teacher can open side by side: the fingerprints they
 * share, paired by hash, merged while they run on together in both files, largest first.
 */
import type { PreparedSubmission } from './similarity-prepare.ts';

export interface MatchedRegion {
  aPath: string;
  aLines: [number, number];
  bPath: string;
  bLines: [number, number];
}

interface Span {
  aFile: number;
  bFile: number;
  aFrom: number;
  aTo: number;
  bFrom: number;
  bTo: number;
  /** Fingerprint matches merged into the span. */
  matches: number;
}

// A hash repeated in a file (the same line written many times) pairs at most this many times per side.
const MAX_OCCURRENCES = 4;
// Regions still open for merging at once per file pair; the oldest closes first.
const MAX_OPEN = 16;

/** Fingerprint indices of `b` by hash, for the hashes `keep` accepts, a few per hash. */
function occurrences(b: PreparedSubmission, keep: (hash: number) => boolean): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < b.hashes.length; i++) {
    const hash = b.hashes[i]!;
    if (!keep(hash)) continue;
    const list = out.get(hash);
    if (!list) out.set(hash, [i]);
    else if (list.length < MAX_OCCURRENCES) list.push(i);
  }
  return out;
}

/** Pairs of fingerprint indices (in a, in b) with equal hashes, sorted by file pair then position. */
function matches(a: PreparedSubmission, b: PreparedSubmission, keep: (hash: number) => boolean): [number, number][] {
  const inB = occurrences(b, keep);
  const seenInA = new Map<number, number>();
  const out: [number, number][] = [];
  for (let i = 0; i < a.hashes.length; i++) {
    const list = inB.get(a.hashes[i]!);
    if (!list) continue;
    const seen = seenInA.get(a.hashes[i]!) ?? 0;
    if (seen >= MAX_OCCURRENCES) continue;
    seenInA.set(a.hashes[i]!, seen + 1);
    for (const j of list) out.push([i, j]);
  }
  const order = (m: [number, number]) => [a.files[m[0]]!, b.files[m[1]]!, a.positions[m[0]]!, b.positions[m[1]]!];
  return out.sort((x, y) => {
    const [p, q] = [order(x), order(y)];
    return p[0]! - q[0]! || p[1]! - q[1]! || p[2]! - q[2]! || p[3]! - q[3]!;
  });
}

/** Matches merged into spans: the next match extends a span when it follows within `gap` tokens on both sides. */
function merge(a: PreparedSubmission, b: PreparedSubmission, pairs: [number, number][], gap: number): Span[] {
  const done: Span[] = [];
  let open: Span[] = [];
  for (const [i, j] of pairs) {
    const [aFile, bFile, ap, bp] = [a.files[i]!, b.files[j]!, a.positions[i]!, b.positions[j]!];
    open = open.filter((span) => {
      const live = span.aFile === aFile && span.bFile === bFile && ap - span.aTo <= gap;
      if (!live) done.push(span);
      return live;
    });
    const span = open.find((s) => bp >= s.bFrom && bp - s.bTo <= gap);
    if (span) {
      span.aTo = Math.max(span.aTo, ap);
      span.bTo = Math.max(span.bTo, bp);
      span.matches++;
      continue;
    }
    open.push({ aFile, bFile, aFrom: ap, aTo: ap, bFrom: bp, bTo: bp, matches: 1 });
    if (open.length > MAX_OPEN) done.push(open.shift()!);
  }
  return done.concat(open);
}

/**
 * The regions where `a` and `b` share fingerprints that `keep` accepts (shared, not excluded, not
 * boilerplate), at most `max`, the largest first. A lone fingerprint (one idiom, such as a for loop's
 * head) is shown only when nothing longer matched.
 */
export function matchedRegions(a: PreparedSubmission, b: PreparedSubmission, keep: (hash: number) => boolean, k: number, max: number): MatchedRegion[] {
  const all = merge(a, b, matches(a, b, keep), 2 * k);
  const runs = all.filter((s) => s.matches > 1);
  const spans = runs.length > 0 ? runs : all;
  const size = (s: Span) => s.aTo - s.aFrom + Math.max(0, s.bTo - s.bFrom);
  return spans
    .sort((x, y) => size(y) - size(x) || x.aFile - y.aFile || x.aFrom - y.aFrom)
    .slice(0, max)
    .map((s) => ({
      aPath: a.paths[s.aFile]!,
      aLines: [a.lines[s.aFile]![s.aFrom]!, a.lines[s.aFile]![s.aTo + k - 1]!],
      bPath: b.paths[s.bFile]!,
      bLines: [b.lines[s.bFile]![s.bFrom]!, b.lines[s.bFile]![s.bTo + k - 1]!],
    }));
}
