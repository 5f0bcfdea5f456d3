/**
 * One submission made ready to compare: its source files chosen and bounded, tokenised and winnowed,
 * with the fingerprints of the teacher's excluded files taken out. What cannot be compared is said in
 * `skipped` rather than thrown, so one odd zip never stops a whole class's check.
 */
import { isComparedPath } from './similarity-languages.ts';
import { tokenize } from './similarity-tokens.ts';
import { kgramHashes, winnow } from './winnowing.ts';

export interface SubmissionFile {
  path: string;
  text: string;
}

export interface Submission {
  id: string;
  files: SubmissionFile[];
}

/** A submission, or one of its files when `path` is set, left out of the comparison and why. */
export interface SkippedInput {
  id: string;
  path?: string;
  reason: string;
}

export interface PrepareLimits {
  k: number;
  w: number;
  maxFileBytes: number;
  maxSubmissionBytes: number;
}

export interface PreparedSubmission {
  id: string;
  /** The compared files; a fingerprint's `file` indexes this and `lines`. */
  paths: string[];
  /** Per file, the line of each token. */
  lines: Uint32Array[];
  /** Every fingerprint kept, in file then position order: its hash, file and k-gram position. */
  hashes: Uint32Array;
  files: Uint32Array;
  positions: Uint32Array;
  /** The distinct fingerprint hashes, sorted. */
  distinct: Uint32Array;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}

/** Text that decoded from bytes that were not text: NUL characters, or many undecodable ones. */
export function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const head = text.slice(0, 4096);
  let replaced = 0;
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0xfffd) replaced++;
  return replaced > head.length / 20;
}

/** Every k-gram hash of the excluded files (not only their fingerprints: a student's window may pick another k-gram of them). */
export function excludedHashes(files: readonly SubmissionFile[], k: number): Set<number> {
  const out = new Set<number>();
  for (const file of files) {
    if (looksBinary(file.text)) continue;
    for (const hash of kgramHashes(tokenize(file.path, file.text).codes, k)) out.add(hash);
  }
  return out;
}

/** The files of a submission that are compared, or undefined (and why in `skipped`) when it is not compared at all. */
export function chooseFiles(submission: Submission, limits: PrepareLimits, skipped: SkippedInput[]): SubmissionFile[] | undefined {
  const id = submission.id;
  const chosen: SubmissionFile[] = [];
  let total = 0;
  for (const file of submission.files) {
    if (!isComparedPath(file.path)) continue;
    const bytes = Buffer.byteLength(file.text, 'utf8');
    if (bytes > limits.maxFileBytes) {
      skipped.push({ id, path: file.path, reason: `larger than ${kb(limits.maxFileBytes)} (${kb(bytes)}): generated or data, not compared` });
    } else if (looksBinary(file.text)) {
      skipped.push({ id, path: file.path, reason: 'binary content under a source file name' });
    } else {
      total += bytes;
      if (total > limits.maxSubmissionBytes) {
        skipped.push({ id, reason: `more than ${kb(limits.maxSubmissionBytes)} of source code; not compared` });
        return undefined;
      }
      chosen.push(file);
    }
  }
  if (chosen.length > 0) return chosen;
  skipped.push({ id, reason: 'no source files to compare' });
  return undefined;
}

/** Fingerprints of a submission's chosen files, without the excluded ones; undefined when nothing is left. */
export function prepareSubmission(
  submission: Submission,
  limits: PrepareLimits,
  excluded: ReadonlySet<number>,
  skipped: SkippedInput[],
): PreparedSubmission | undefined {
  const files = chooseFiles(submission, limits, skipped);
  if (!files) return undefined;
  const hashes: number[] = [];
  const fileOf: number[] = [];
  const positions: number[] = [];
  const lines: Uint32Array[] = [];
  let before = 0;
  files.forEach((file, index) => {
    const stream = tokenize(file.path, file.text);
    lines.push(stream.lines);
    const prints = winnow(kgramHashes(stream.codes, limits.k), limits.w);
    before += prints.hashes.length;
    for (let i = 0; i < prints.hashes.length; i++) {
      if (excluded.has(prints.hashes[i]!)) continue;
      hashes.push(prints.hashes[i]!);
      fileOf.push(index);
      positions.push(prints.positions[i]!);
    }
  });
  if (hashes.length === 0) {
    const reason = before === 0 ? `fewer than ${limits.k} tokens of code` : 'nothing beyond the excluded (starter or test) files';
    skipped.push({ id: submission.id, reason });
    return undefined;
  }
  const distinct = Uint32Array.from(new Set(hashes)).sort();
  return {
    id: submission.id,
    paths: files.map((file) => file.path),
    lines,
    hashes: Uint32Array.from(hashes),
    files: Uint32Array.from(fileOf),
    positions: Uint32Array.from(positions),
    distinct,
  };
}
