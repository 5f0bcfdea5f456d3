/**
 * What a run's job leaves when it ends: the SHA-256 of its whole log (to group identical outputs) and
 * its score (the last match of the run's scorePattern in the end of its output). Patterns run on RE2
 * (re2js): linear time whatever the pattern, so a student's output cannot stall the coordinator.
 */
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import type { JobRecord } from '../state/repositories/jobs.ts';
import type { Store } from '../state/store.ts';

/** The score is looked for in the last this-many characters of the output. */
export const SCORE_WINDOW_CHARS = 1024 * 1024;
const PAGE_CHARS = 1024 * 1024;

/** Compiles a scorePattern, or says in a sentence why it cannot be used. */
export function compileScorePattern(pattern: string): { ok: true; regex: RE2JS } | { ok: false; message: string } {
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    return { ok: false, message: `scorePattern is not a valid regular expression (RE2 syntax): ${(error as Error).message}` };
  }
  if (regex.groupCount() < 1) return { ok: false, message: 'scorePattern needs one capture group, the score: for example "Score: (\\d+)".' };
  return { ok: true, regex };
}

const compiled = new Map<string, RE2JS>();

/** The pattern behind a greedy `.*`: one linear pass finds the last match (a find() loop can be quadratic). */
function regexFor(pattern: string): RE2JS | null {
  let regex = compiled.get(pattern);
  if (!regex) {
    if (!compileScorePattern(pattern).ok) return null;
    regex = RE2JS.compile(`(?s:.*)(?:${pattern})`);
    if (compiled.size >= 32) compiled.delete(compiled.keys().next().value!);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** The last match's first group in `text`: a number when it reads as one. */
export function scoreOf(text: string, pattern: string): number | string | null {
  const regex = regexFor(pattern);
  if (!regex) return null;
  const matcher = regex.matcher(text);
  const last = matcher.find() ? matcher.group(1) : null;
  if (last === null) return null;
  const trimmed = last.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed.slice(0, 200);
}

/** Stores the digest and score of a run's job that just ended (inside the ending transaction). */
export function recordRunResult(store: Store, job: JobRecord): void {
  if (!job.runId || job.startedAt === null) return; // never ran: no output to compare or score
  const run = store.runs.get(job.runId);
  const hash = createHash('sha256');
  let after = -1;
  for (;;) {
    const page = store.log.pageAfter(job.seq, after, 5000, PAGE_CHARS);
    if (page.length === 0) break;
    for (const chunk of page) hash.update(chunk.data);
    after = page.at(-1)!.seq;
  }
  let score: number | string | null = null;
  if (run?.scorePattern) {
    const tail = store.log.pageBefore(job.seq, Number.MAX_SAFE_INTEGER, 5000, SCORE_WINDOW_CHARS);
    score = scoreOf(
      tail
        .map((c) => c.data)
        .join('')
        .slice(-SCORE_WINDOW_CHARS),
      run.scorePattern,
    );
  }
  store.jobs.setResult(job, score, hash.digest('hex'));
}
