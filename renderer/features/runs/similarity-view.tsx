/**
 * One similar pair side by side: for each matching region, both students' lines (read from their
 * zips, a few lines around) with the matching lines marked by a bar and a sign, not by colour alone;
 * where a file cannot be read, its file and line range still say where to look.
 */
import { useEffect, useState } from 'react';
import type { SimilarPair } from '../../lib/api.ts';

/** Reads one source file of a job's zip (cached by the caller). */
export type LoadFile = (jobId: string, path: string) => Promise<string>;

const SHOWN_REGIONS = 10;
const CONTEXT = 2;
const MAX_LINES = 200;

type Region = SimilarPair['regions'][number];

export function PairView({ pair, who, load }: { pair: SimilarPair; who: [string, string]; load: LoadFile }) {
  const regions = pair.regions.slice(0, SHOWN_REGIONS);
  return (
    <div className="pair-view" data-testid="pair-view">
      <h3>
        {who[0]} and {who[1]}: {Math.round(pair.ratio * 100)} % similar
      </h3>
      {regions.length === 0 && <p className="muted">They share fingerprints, but no region of lines stands out.</p>}
      {regions.map((region, i) => (
        <div className="region" key={i} data-testid="similar-region">
          <CodeSide jobId={pair.a.jobId} who={who[0]} path={region.aPath} lines={region.aLines} load={load} />
          <CodeSide jobId={pair.b.jobId} who={who[1]} path={region.bPath} lines={region.bLines} load={load} />
        </div>
      ))}
      {pair.regions.length > SHOWN_REGIONS && <p className="muted small">and {pair.regions.length - SHOWN_REGIONS} more regions.</p>}
    </div>
  );
}

function useFileText(jobId: string, path: string, load: LoadFile): { text: string | null; error: string | null } {
  const [state, setState] = useState<{ key: string; text: string | null; error: string | null } | null>(null);
  const key = `${jobId}\n${path}`;
  useEffect(() => {
    let live = true;
    load(jobId, path).then(
      (text) => live && setState({ key, text, error: null }),
      (e: Error) => live && setState({ key, text: null, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [jobId, path, key, load]);
  return state?.key === key ? state : { text: null, error: null };
}

function CodeSide({ jobId, who, path, lines, load }: { jobId: string; who: string; path: string; lines: Region['aLines']; load: LoadFile }) {
  const { text, error } = useFileText(jobId, path, load);
  const [from, to] = lines;
  const title = `${who}: ${path}, lines ${from}–${to}`;
  return (
    <figure className="code-side">
      <figcaption className="small">
        <strong>{who}</strong> <code>{path}</code> lines {from}–{to}
      </figcaption>
      {error ? (
        <p className="muted small">The file cannot be shown here: {error}</p>
      ) : text === null ? (
        <p className="muted small">Reading the file…</p>
      ) : (
        <pre className="code-lines" tabIndex={0} role="region" aria-label={title}>
          {codeLines(text, from, to)}
        </pre>
      )}
    </figure>
  );
}

/** The region's lines with a few around them, each numbered; the matching ones marked. */
function codeLines(text: string, from: number, to: number) {
  const all = text.split(/\r?\n/);
  const first = Math.max(1, from - CONTEXT);
  const last = Math.min(all.length, to + CONTEXT, first + MAX_LINES - 1);
  const out = [];
  for (let n = first; n <= last; n++) {
    const match = n >= from && n <= to;
    out.push(
      <span key={n} className={`code-line ${match ? 'match' : ''}`} data-match={match || undefined}>
        <span className="line-no" aria-hidden="true">
          {n}
        </span>
        <span className="line-sign" aria-hidden="true">
          {match ? '▌' : ' '}
        </span>
        {all[n - 1] || ' '}
      </span>,
    );
  }
  if (last < Math.min(all.length, to))
    out.push(
      <span key="more" className="code-line muted">
        … {to - last} more matching lines
      </span>,
    );
  return out;
}
