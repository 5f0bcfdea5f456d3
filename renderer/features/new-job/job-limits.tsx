/** The time limit (minutes) and attempts fields of the new-job form. */
import { LIMITS } from '../../../shared/api.ts';
import type { LimitsText } from './limits.ts';

export function JobLimits({ value, onChange, attempts }: { value: LimitsText; onChange: (next: LimitsText) => void; attempts: boolean }) {
  return (
    <div className="inline-fields job-limits">
      <label>
        Time limit
        <input
          type="number"
          min={0}
          step="any"
          value={value.timeoutMinutes}
          onChange={(e) => onChange({ ...value, timeoutMinutes: e.target.value })}
          placeholder="60"
          aria-describedby="limits-hint"
        />
        min
      </label>
      {attempts && (
        <label>
          Attempts
          <input
            type="number"
            min={1}
            max={LIMITS.maxAttempts}
            value={value.attempts}
            onChange={(e) => onChange({ ...value, attempts: e.target.value })}
            placeholder="1"
            aria-describedby="limits-hint"
          />
        </label>
      )}
      <p id="limits-hint" className="muted small">
        {attempts
          ? 'A job still running at the time limit is stopped. With 2 or more attempts, a job whose PC is lost runs again on another.'
          : 'A run still going at the time limit is stopped.'}
      </p>
    </div>
  );
}
