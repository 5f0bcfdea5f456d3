/** A run's optional settings: a score pattern (RE2, one capture group), how many jobs at once, and how long offline PCs are waited for. */
import { LIMITS } from '../../../shared/api.ts';
import type { RunRequest } from '../../lib/api.ts';

export interface RunOptionsText {
  /** The run's name ("Lab 3 - sorting"). */
  name: string;
  scorePattern: string;
  maxParallel: string;
  deadlineHours: string;
}

const MAX_DEADLINE_HOURS = 30 * 24;

/** The options as the API takes them, or the sentence saying which one is wrong. Empty fields are left to the coordinator's defaults. */
export function readRunOptions(
  text: RunOptionsText,
  mode: RunRequest['mode'],
): Pick<RunRequest, 'name' | 'scorePattern' | 'maxParallel' | 'deadlineSeconds'> | { error: string } {
  const out: Pick<RunRequest, 'name' | 'scorePattern' | 'maxParallel' | 'deadlineSeconds'> = {};
  const name = text.name.trim();
  if (name.length > LIMITS.runNameLength) return { error: `The run's name is ${name.length} characters long; keep it to ${LIMITS.runNameLength}.` };
  if (name) out.name = name;
  if (text.scorePattern.trim()) out.scorePattern = text.scorePattern.trim();
  if (mode !== 'each') return out;
  if (text.maxParallel.trim()) {
    const n = Number(text.maxParallel);
    if (!Number.isInteger(n) || n < 1) return { error: '"At most at once" must be a whole number of jobs, 1 or more (or empty: no limit).' };
    out.maxParallel = n;
  }
  if (text.deadlineHours.trim()) {
    const hours = Number(text.deadlineHours);
    if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_DEADLINE_HOURS)
      return { error: `"Wait for offline PCs" must be a number of hours above 0 and at most ${MAX_DEADLINE_HOURS} (30 days).` };
    out.deadlineSeconds = Math.max(1, Math.round(hours * 3600));
  }
  return out;
}

export function RunOptions({ value, onChange, each }: { value: RunOptionsText; onChange: (next: RunOptionsText) => void; each: boolean }) {
  return (
    <fieldset className="run-options">
      <legend>Run options</legend>
      <label htmlFor="run-name">
        Name <span className="muted">(optional)</span>
      </label>
      <input
        id="run-name"
        type="text"
        value={value.name}
        maxLength={LIMITS.runNameLength}
        onChange={(e) => onChange({ ...value, name: e.target.value })}
        placeholder="e.g. Lab 3 - sorting"
        aria-describedby="run-name-hint"
      />
      <p id="run-name-hint" className="muted small">
        Shown on the run&apos;s page and in the runs list, and the start of its exported files&apos; names.
      </p>
      <label htmlFor="score-pattern">
        Score pattern <span className="muted">(optional)</span>
      </label>
      <input
        id="score-pattern"
        type="text"
        className="mono"
        value={value.scorePattern}
        onChange={(e) => onChange({ ...value, scorePattern: e.target.value })}
        placeholder="e.g. Score: (\d+)"
        spellCheck={false}
        aria-describedby="score-hint"
      />
      <p id="score-hint" className="muted small">
        A regular expression with one group, e.g. <code>Score: (\d+)</code>: the last match in a job&apos;s output is its score.
      </p>
      {each && (
        <div className="inline-fields">
          <label>
            At most at once
            <input type="number" min={1} value={value.maxParallel} onChange={(e) => onChange({ ...value, maxParallel: e.target.value })} placeholder="all" />
          </label>
          <label>
            Wait for offline PCs
            <input
              type="number"
              min={0}
              step="any"
              value={value.deadlineHours}
              onChange={(e) => onChange({ ...value, deadlineHours: e.target.value })}
              placeholder="24"
            />
            h
          </label>
        </div>
      )}
    </fieldset>
  );
}
