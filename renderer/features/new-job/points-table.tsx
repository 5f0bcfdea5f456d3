/** The Grading section's points: a row per test pattern with its points (added and removed), and what every other test is worth. */
import type { PointRow } from './grading-form.ts';

export function PointsTable({
  rows,
  defaultPoints,
  onChange,
}: {
  rows: PointRow[];
  defaultPoints: string;
  onChange: (patch: { points?: PointRow[]; defaultPoints?: string }) => void;
}) {
  const set = (i: number, patch: Partial<PointRow>) => onChange({ points: rows.map((r, at) => (at === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset className="points-field">
      <legend>Points</legend>
      {rows.length > 0 && (
        <table className="points-table">
          <thead>
            <tr>
              <th scope="col">Test (pattern)</th>
              <th scope="col">Points</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <PointsRow
                key={i}
                row={row}
                n={i + 1}
                onChange={(patch) => set(i, patch)}
                onRemove={() => onChange({ points: rows.filter((_, at) => at !== i) })}
              />
            ))}
          </tbody>
        </table>
      )}
      <div className="inline-fields">
        <button type="button" className="secondary small" onClick={() => onChange({ points: [...rows, { test: '', points: '' }] })}>
          Add a test&apos;s points
        </button>
        <label>
          Every other test
          <input
            type="number"
            min={0}
            step="any"
            value={defaultPoints}
            onChange={(e) => onChange({ defaultPoints: e.target.value })}
            placeholder="1"
            aria-describedby="points-hint"
          />
          points
        </label>
      </div>
      <p id="points-hint" className="muted small">
        A passed test earns the points of the first row whose pattern (a regular expression) is found in its name, <code>class.test</code>; a test no row names
        earns the points of every other test (1 when empty).
      </p>
    </fieldset>
  );
}

function PointsRow({ row, n, onChange, onRemove }: { row: PointRow; n: number; onChange: (patch: Partial<PointRow>) => void; onRemove: () => void }) {
  return (
    <tr>
      <td>
        <input
          type="text"
          className="mono"
          value={row.test}
          onChange={(e) => onChange({ test: e.target.value })}
          aria-label={`Test pattern, row ${n}`}
          placeholder="e.g. test_sort"
          spellCheck={false}
        />
      </td>
      <td>
        <input type="number" min={0} step="any" value={row.points} onChange={(e) => onChange({ points: e.target.value })} aria-label={`Points, row ${n}`} />
      </td>
      <td>
        <button type="button" className="link small" onClick={onRemove} aria-label={`Remove row ${n}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}
