/**
 * The similarity check of a grading run: on request, every pair of students' source files compared
 * (as MOSS does: renamed names and moved code still match; the starter code and hidden tests left
 * out), the most similar pairs listed, and one pair's matching regions side by side.
 */
import { useCallback, useRef, useState } from 'react';
import type { SimilarPair, Similarity } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { PairView, type LoadFile } from './similarity-view.tsx';

/** How many pairs are listed: a class's suspicious pairs are few. */
const TOP = 20;

/** "Bob Chen" when the students CSV names them, else the zip's name. */
export function whoOf(side: SimilarPair['a']): string {
  return side.student && side.student !== side.filename.replace(/\.zip$/i, '') ? side.student : side.filename;
}

export function SimilarityCheck({ runId }: { runId: string }) {
  const api = useApi();
  const [result, setResult] = useState<Similarity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  // Each file read once while the page is open: a pair's regions often share their files.
  const files = useRef(new Map<string, Promise<string>>());
  const load = useCallback<LoadFile>(
    (jobId, path) => {
      const key = `${jobId}\n${path}`;
      let text = files.current.get(key);
      if (!text) {
        text = api.submissionFile(jobId, path).then((file) => file.text);
        text.catch(() => files.current.delete(key)); // a failure is tried again next time
        files.current.set(key, text);
      }
      return text;
    },
    [api],
  );
  const check = async () => {
    setChecking(true);
    setError(null);
    try {
      setResult(await api.similarity(runId, TOP));
      setSelected(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setChecking(false);
    }
  };
  const pair = selected === null ? null : (result?.pairs[selected] ?? null);

  return (
    <section className="card similarity" aria-labelledby="similarity-title">
      <h2 id="similarity-title">Similarity</h2>
      <p className="muted small">
        Compares every pair of students&apos; source files, as MOSS does: renamed variables and moved code still match; the starter code and hidden tests are
        left out. A high score is a reason to look, not a verdict.
      </p>
      <button type="button" className="secondary" disabled={checking} onClick={() => void check()}>
        {checking ? 'Comparing…' : result ? 'Check again' : 'Check similarity'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && <PairList result={result} selected={selected} onSelect={(i) => setSelected(selected === i ? null : i)} />}
      {pair && <PairView pair={pair} who={[whoOf(pair.a), whoOf(pair.b)]} load={load} />}
    </section>
  );
}

function PairList({ result, selected, onSelect }: { result: Similarity; selected: number | null; onSelect: (i: number) => void }) {
  const skipped = result.skipped.length;
  return (
    <>
      <p className="small" role="status" data-testid="similarity-summary">
        {result.pairs.length === 0
          ? 'No two submissions share enough code to list.'
          : `The ${result.pairs.length} most similar ${result.pairs.length === 1 ? 'pair' : 'pairs'}, most similar first (compared in ${result.ms} ms).`}
        {skipped > 0 &&
          ` ${skipped} ${skipped === 1 ? 'file or zip was' : 'files or zips were'} left out: ${result.skipped[0]!.reason}${skipped > 1 ? '; …' : ''}.`}
      </p>
      {result.pairs.length > 0 && (
        <ol className="pair-list" data-testid="similarity-pairs">
          {result.pairs.map((p, i) => (
            <li key={`${p.a.jobId} ${p.b.jobId}`}>
              <button type="button" className={`secondary small ${selected === i ? 'active' : ''}`} aria-pressed={selected === i} onClick={() => onSelect(i)}>
                {whoOf(p.a)} and {whoOf(p.b)}: {Math.round(p.ratio * 100)} % similar
              </button>{' '}
              <span className="muted small">
                {p.a.filename} · {p.b.filename} · {p.regions.length} matching {p.regions.length === 1 ? 'region' : 'regions'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
