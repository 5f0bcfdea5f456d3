/** The time limit (in seconds or minutes) and attempts fields of the new-job form. */
import { LIMITS } from '../../../shared/api.ts';
import type { LimitsText, TimeUnit } from './limits.ts';

export function JobLimits({ value, onChange, attempts }: { value: LimitsText; onChange: (next: LimitsText) => void; attempts: boolean }) {
  return (
    <div className="inline-fields job-limits">
      <span className="time-limit">
        <label>
          Time limit
          <input
            type="number"
            min={0}
            step="any"
            value={value.timeout}
            onChange={(e) => onChange({ ...value, timeout: e.target.value })}
            placeholder={value.unit === 'min' ? '60' : '3600'}
            aria-describedby="limits-hint"
          />
        </label>
        <select
          value={value.unit}
          onChange={(e) => onChange({ ...value, unit: e.target.value as TimeUnit })}
          aria-label="Time limit unit"
          data-testid="time-unit"
        >
          <option value="min">minutes</option>
          <option value="s">seconds</option>
        </select>
      </span>
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
          ? 'A job still running at the time limit is stopped (empty: 60 minutes). With 2 or more attempts, a job whose PC is lost runs again on another.'
          : 'A run still going at the time limit is stopped (empty: 60 minutes).'}
      </p>
    </div>
  );
}
