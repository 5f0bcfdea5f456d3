/**
 * Which submissions of a grading run look copied from each other, in the manner of MOSS: winnowed
 * fingerprints of normalised tokens (similarity-tokens.ts, winnowing.ts), the teacher's starter and
 * test files taken out, then an inverted index (fingerprint -> submissions) so only pairs that share
 * something are ever counted. A fingerprint in too many submissions is boilerplate and counts for none.
 *
 * The ratio of a pair is its shared distinct fingerprints over the smaller of the two submissions'
 * counts (what is left after the excluded files and the boilerplate), with a floor of MIN_DENOMINATOR:
 * 1 when the smaller submission is wholly inside the other (a copy that added code still scores high),
 * near 0 for unrelated code, and a few lines of code cannot reach 1 on their own.
 */
import { matchedRegions, type MatchedRegion } from './similarity-regions.ts';
import { excludedHashes, prepareSubmission, type PreparedSubmission, type SkippedInput, type Submission, type SubmissionFile } from './similarity-prepare.ts';
import { DEFAULT_K, DEFAULT_W } from './winnowing.ts';

export type { MatchedRegion } from './similarity-regions.ts';
export type { SkippedInput, Submission, SubmissionFile } from './similarity-prepare.ts';

export interface SimilarityOptions {
  /** The teacher's base/starter files and hidden tests: no fingerprint of theirs counts in any submission. */
  exclude?: SubmissionFile[];
  /** At most this many pairs, the most similar first (default 50). */
  topPairs?: number;
  /** Pairs below this ratio are left out (default 0: any pair sharing a fingerprint). */
  minRatio?: number;
  /** A fingerprint in more than this share of the submissions (and more than MIN_COMMON_LIMIT) is boilerplate (default 0.1). */
  maxShare?: number;
  /** Regions reported per pair (default 20). */
  maxRegions?: number;
  /** A larger file is skipped (default 256 KB). */
  maxFileBytes?: number;
  /** A submission with more source than this is skipped (default 4 MB). */
  maxSubmissionBytes?: number;
  /** Tokens per k-gram and the winnowing window (defaults in winnowing.ts). */
  k?: number;
  w?: number;
}

export interface SimilarPair {
  a: string;
  b: string;
  /** Shared fingerprints over the smaller submission's (0..1). */
  ratio: number;
  sharedFingerprints: number;
  regions: MatchedRegion[];
}

export interface SimilarityResult {
  pairs: SimilarPair[];
  skipped: SkippedInput[];
}

export const SIMILARITY_DEFAULTS = {
  topPairs: 50,
  minRatio: 0,
  maxShare: 0.1,
  maxRegions: 20,
  maxFileBytes: 256 * 1024,
  maxSubmissionBytes: 4 * 1024 * 1024,
  k: DEFAULT_K,
  w: DEFAULT_W,
} as const;

/** Below this many submissions holding a fingerprint it is never boilerplate: a ring of copiers stays visible. */
export const MIN_COMMON_LIMIT = 5;
/** The smallest denominator of a ratio, in fingerprints (about ten lines of code). */
export const MIN_DENOMINATOR = 15;

type Settings = Omit<Required<SimilarityOptions>, 'exclude'>;

function settingsOf(options: SimilarityOptions): Settings {
  const s: Settings = { ...SIMILARITY_DEFAULTS };
  for (const name of Object.keys(s) as (keyof Settings)[]) s[name] = options[name] ?? s[name];
  for (const name of ['topPairs', 'maxRegions', 'maxFileBytes', 'maxSubmissionBytes', 'k', 'w'] as const) {
    if (!Number.isInteger(s[name]) || s[name] < 0) throw new RangeError(`${name} must be a whole number, not ${s[name]}`);
  }
  if (s.k < 1 || s.w < 1) throw new RangeError('k and w must be at least 1');
  if (!(s.minRatio >= 0 && s.minRatio <= 1) || !(s.maxShare > 0 && s.maxShare <= 1)) throw new RangeError('minRatio must be in 0..1 and maxShare in (0, 1]');
  return s;
}

/** The submissions to compare, each once (a repeated id is skipped, not merged). */
function prepareAll(submissions: readonly Submission[], options: SimilarityOptions, s: Settings, skipped: SkippedInput[]): PreparedSubmission[] {
  const excluded = excludedHashes(options.exclude ?? [], s.k);
  const seen = new Set<string>();
  const out: PreparedSubmission[] = [];
  for (const submission of submissions) {
    if (seen.has(submission.id)) {
      skipped.push({ id: submission.id, reason: 'the same id appears twice; only the first is compared' });
      continue;
    }
    seen.add(submission.id);
    const prepared = prepareSubmission(submission, s, excluded, skipped);
    if (prepared) out.push(prepared);
  }
  return out;
}

interface Counts {
  /** Shared fingerprints per pair, keyed a * n + b with a < b. */
  shared: Map<number, number>;
  /** Fingerprints per submission once boilerplate is gone. */
  kept: number[];
  common: Set<number>;
}

/** Counts shared fingerprints through the inverted index; a fingerprint held by more than `limit` submissions is boilerplate. */
function countShared(prepared: readonly PreparedSubmission[], limit: number): Counts {
  const index = new Map<number, number[]>();
  prepared.forEach((submission, s) => {
    for (const hash of submission.distinct) {
      const list = index.get(hash);
      if (list) list.push(s);
      else index.set(hash, [s]);
    }
  });
  const n = prepared.length;
  const counts: Counts = { shared: new Map(), kept: prepared.map((p) => p.distinct.length), common: new Set() };
  for (const [hash, holders] of index) {
    if (holders.length < 2) continue;
    if (holders.length > limit) {
      counts.common.add(hash);
      for (const s of holders) counts.kept[s]!--;
      continue;
    }
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const key = holders[i]! * n + holders[j]!;
        counts.shared.set(key, (counts.shared.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** The most similar pairs, without their regions yet. */
function rank(prepared: readonly PreparedSubmission[], counts: Counts, s: Settings): { a: number; b: number; ratio: number; shared: number }[] {
  const n = prepared.length;
  const pairs: { a: number; b: number; ratio: number; shared: number }[] = [];
  for (const [key, shared] of counts.shared) {
    const [a, b] = [Math.floor(key / n), key % n];
    const ratio = Math.min(1, shared / Math.max(MIN_DENOMINATOR, Math.min(counts.kept[a]!, counts.kept[b]!)));
    if (ratio >= s.minRatio) pairs.push({ a, b, ratio: Math.round(ratio * 1000) / 1000, shared });
  }
  return pairs.sort((x, y) => y.ratio - x.ratio || y.shared - x.shared || x.a - y.a || x.b - y.b).slice(0, s.topPairs);
}

/** Compares every submission with every other through shared fingerprints; see the file's comment for the ratio. */
export function compareSubmissions(submissions: readonly Submission[], options: SimilarityOptions = {}): SimilarityResult {
  const s = settingsOf(options);
  const skipped: SkippedInput[] = [];
  const prepared = prepareAll(submissions, options, s, skipped);
  const limit = Math.max(MIN_COMMON_LIMIT, Math.ceil(s.maxShare * prepared.length));
  const counts = countShared(prepared, limit);
  const pairs = rank(prepared, counts, s).map(({ a, b, ratio, shared }) => {
    const [left, right] = [prepared[a]!, prepared[b]!];
    const keep = (hash: number) => !counts.common.has(hash);
    return { a: left.id, b: right.id, ratio, sharedFingerprints: shared, regions: matchedRegions(left, right, keep, s.k, s.maxRegions) };
  });
  return { pairs, skipped };
}
