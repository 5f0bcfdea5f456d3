/**
 * A line diff (Myers' O((N+M)·D) algorithm, as in GNU diff), bounded so a page never freezes: past
 * `maxLines` lines or `maxEdits` changed lines it gives up and says so (null).
 */

export type DiffKind = 'same' | 'del' | 'add';

/** One line of the diff: kept, only in the first text (`del`), or only in the second (`add`). */
export interface DiffLine {
  kind: DiffKind;
  text: string;
}

export interface DiffLimits {
  /** Lines per side. */
  maxLines: number;
  /** Lines deleted plus added; memory grows with its square. */
  maxEdits: number;
}

export const DIFF_LIMITS: DiffLimits = { maxLines: 20_000, maxEdits: 1_000 };

/** The shortest edit turning `a` into `b`, line by line, or null when it is over the limits. */
export function diffLines(a: readonly string[], b: readonly string[], limits: DiffLimits = DIFF_LIMITS): DiffLine[] | null {
  if (a.length > limits.maxLines || b.length > limits.maxLines) return null;
  // Outputs mostly differ in a few lines: the common start and end need no search.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const middle = myers(a.slice(start, a.length - end), b.slice(start, b.length - end), limits.maxEdits);
  if (!middle) return null;
  const same = (text: string): DiffLine => ({ kind: 'same', text });
  return [...a.slice(0, start).map(same), ...middle, ...a.slice(a.length - end).map(same)];
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffLine[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  // v[k + offset]: the furthest x reached on diagonal k (y = x - k); trace[d] keeps v[-d-1 .. d+1] before round d.
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return null;
}

/** Walks the rounds backwards from the end, collecting the lines on the way. */
function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[]): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const at = (k: number) => v[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ kind: 'same', text: a[x]! });
    }
    if (d > 0) {
      if (x === prevX) out.push({ kind: 'add', text: b[--y]! });
      else out.push({ kind: 'del', text: a[--x]! });
    }
  }
  return out.reverse();
}

/** A diff row for display: a line with its numbers in each text, or a run of unchanged lines left out. */
export type DiffRow = (DiffLine & { oldLine: number | null; newLine: number | null }) | { kind: 'skip'; count: number };

/** The changed lines with `context` unchanged lines around each change; longer unchanged runs become one `skip` row. */
export function diffRows(diff: readonly DiffLine[], context = 3): DiffRow[] {
  const near = new Array<boolean>(diff.length).fill(false);
  diff.forEach((line, i) => {
    if (line.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(diff.length - 1, i + context); j++) near[j] = true;
  });
  const rows: DiffRow[] = [];
  let oldLine = 0;
  let newLine = 0;
  let skipped = 0;
  diff.forEach((line, i) => {
    if (line.kind !== 'add') oldLine++;
    if (line.kind !== 'del') newLine++;
    if (!near[i]) {
      skipped++;
      return;
    }
    if (skipped) rows.push({ kind: 'skip', count: skipped });
    skipped = 0;
    rows.push({ ...line, oldLine: line.kind === 'add' ? null : oldLine, newLine: line.kind === 'del' ? null : newLine });
  });
  if (skipped) rows.push({ kind: 'skip', count: skipped });
  return rows;
}
