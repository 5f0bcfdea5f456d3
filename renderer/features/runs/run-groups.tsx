/** Identical outputs: "26 identical · 4 differ", the largest group's output shown once, and a line diff of another group against it. */
import { useEffect, useMemo, useState } from 'react';
import type { RunStatusDto } from '../../../shared/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { fileSize } from '../../lib/format.ts';
import { diffLines, diffRows } from '../../lib/line-diff.ts';
import { outputLines } from '../../lib/plain-text.ts';
import { listWords } from '../../lib/targets.ts';

/** How much of an output the page reads: enough to see and compare, never a whole 1 GB log. */
const PREVIEW_BYTES = 64 * 1024;
/** Groups listed under the largest; a run where every output differs lists these first. */
const SHOWN_GROUPS = 50;

interface Output {
  jobId: string;
  lines: string[];
  truncated: boolean;
  error: string | null;
}

/** The start of one job's output as plain lines; null until it has been read. */
function useOutput(jobId: string | null): Output | null {
  const api = useApi();
  const [output, setOutput] = useState<Output | null>(null);
  useEffect(() => {
    if (!jobId) return;
    let live = true;
    api.logText(jobId, PREVIEW_BYTES).then(
      ({ text, truncated }) => live && setOutput({ jobId, lines: outputLines(text), truncated, error: null }),
      (e: Error) => live && setOutput({ jobId, lines: [], truncated: false, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [api, jobId]);
  return output?.jobId === jobId ? output : null;
}

export function RunGroups({ status, names }: { status: RunStatusDto; names: ReadonlyMap<string, string> }) {
  const [selected, setSelected] = useState<string | null>(null);
  const groups = status.groups;
  const largest = groups[0];
  const other = groups.find((g) => g.outputDigest === selected) ?? null;
  const reference = useOutput(largest?.jobIds[0] ?? null);
  const compared = useOutput(other?.jobIds[0] ?? null);
  const diff = useMemo(() => (reference && compared ? diffLines(reference.lines, compared.lines) : undefined), [reference, compared]);

  if (!largest) return null;
  const differ = groups.reduce((n, g) => n + g.count, 0) - largest.count;
  const who = (jobIds: string[]) => {
    const shown = jobIds.slice(0, 4).map((id) => names.get(id) ?? id);
    return listWords(jobIds.length > 4 ? [...shown, `${jobIds.length - 4} more`] : shown);
  };

  return (
    <section className="card run-groups" aria-labelledby="groups-title">
      <h2 id="groups-title">
        Outputs{' '}
        <span className="muted" data-testid="run-groups-summary">
          {largest.count === 1 && differ === 0 ? '1 output' : `${largest.count} identical · ${differ === 0 ? 'none differ' : `${differ} differ`}`}
        </span>
      </h2>
      <p className="muted small">
        The most common output ({largest.count} {largest.count === 1 ? 'job' : 'jobs'}: {who(largest.jobIds)}):
      </p>
      {!reference ? (
        <p className="muted">Reading the output…</p>
      ) : reference.error ? (
        <p className="error">{reference.error}</p>
      ) : (
        // It scrolls when long: focusable so a keyboard can scroll it, named so that focus says what it is.
        <pre className="output-preview" data-testid="group-output" tabIndex={0} role="region" aria-label="The most common output">
          {reference.lines.length ? reference.lines.join('\n') : '(no output)'}
          {reference.truncated && `\n… (the first ${fileSize(PREVIEW_BYTES)} shown)`}
        </pre>
      )}
      {groups.length > 1 && (
        <>
          <h3>Different outputs</h3>
          <ul className="group-list">
            {groups.slice(1, SHOWN_GROUPS + 1).map((g) => (
              <li key={g.outputDigest}>
                <button
                  className={`secondary small ${selected === g.outputDigest ? 'active' : ''}`}
                  aria-pressed={selected === g.outputDigest}
                  onClick={() => setSelected(selected === g.outputDigest ? null : g.outputDigest)}
                >
                  Compare
                </button>{' '}
                {g.count} {g.count === 1 ? 'job' : 'jobs'}: {who(g.jobIds)}
              </li>
            ))}
          </ul>
          {groups.length > SHOWN_GROUPS + 1 && <p className="muted small">and {groups.length - SHOWN_GROUPS - 1} more groups.</p>}
        </>
      )}
      {other && (
        <DiffView
          name={who(other.jobIds)}
          diff={diff}
          failed={reference?.error ?? compared?.error ?? null}
          truncated={!!(reference?.truncated || compared?.truncated)}
        />
      )}
    </section>
  );
}

function DiffView({
  name,
  diff,
  failed,
  truncated,
}: {
  name: string;
  diff: ReturnType<typeof diffLines> | undefined;
  failed: string | null;
  truncated: boolean;
}) {
  const rows = useMemo(() => (diff ? diffRows(diff) : []), [diff]);
  if (failed) return <p className="error">{failed}</p>;
  if (diff === undefined) return <p className="muted">Reading the outputs…</p>;
  if (diff === null) return <p className="notice">These outputs differ in too many lines to compare here; open the jobs to read them.</p>;
  return (
    <div className="diff" data-testid="output-diff">
      <p className="small">
        <span className="diff-legend del">− only in the most common output</span> <span className="diff-legend add">+ only in {name}</span>
        {truncated && <span className="muted"> (the first {fileSize(PREVIEW_BYTES)} of each compared)</span>}
      </p>
      <table className="diff-lines">
        <tbody>
          {rows.map((row, i) =>
            row.kind === 'skip' ? (
              <tr key={i} className="diff-skip">
                <td colSpan={3}>
                  … {row.count} identical {row.count === 1 ? 'line' : 'lines'} …
                </td>
              </tr>
            ) : (
              <tr key={i} className={`diff-${row.kind}`}>
                <td className="diff-num">{row.oldLine ?? ''}</td>
                <td className="diff-num">{row.newLine ?? ''}</td>
                <td className="diff-text">
                  <span className="diff-sign" aria-label={row.kind === 'del' ? 'removed' : row.kind === 'add' ? 'added' : undefined}>
                    {row.kind === 'del' ? '−' : row.kind === 'add' ? '+' : ' '}
                  </span>
                  {row.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
