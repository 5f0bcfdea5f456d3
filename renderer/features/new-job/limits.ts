/** A job's time limit (seconds or minutes) and attempts (a lost worker's job runs again until they are used up); empty: the coordinator's defaults. */
import { LIMITS } from '../../../shared/api.ts';

export type TimeUnit = 's' | 'min';

export interface LimitsText {
  timeout: string;
  unit: TimeUnit;
  attempts: string;
}

export const NO_LIMITS: LimitsText = { timeout: '', unit: 'min', attempts: '' };

/** A limit in the unit it reads best in: whole minutes as minutes (3600 s → "60" min), anything else in seconds (90 s → "90" s). */
export function timeoutText(seconds: number): Pick<LimitsText, 'timeout' | 'unit'> {
  return seconds % 60 === 0 ? { timeout: String(seconds / 60), unit: 'min' } : { timeout: String(seconds), unit: 's' };
}

/** The limits as the API takes them, or the sentence saying which one is wrong. */
export function readLimits(text: LimitsText): { timeoutSeconds?: number; maxAttempts?: number } | { error: string } {
  const out: { timeoutSeconds?: number; maxAttempts?: number } = {};
  if (text.timeout.trim()) {
    const value = Number(text.timeout);
    const seconds = Math.round(text.unit === 'min' ? value * 60 : value);
    if (!Number.isFinite(value) || seconds < 1 || seconds > LIMITS.maxTimeoutSeconds) {
      const most = text.unit === 'min' ? `${LIMITS.maxTimeoutSeconds / 60} minutes` : `${LIMITS.maxTimeoutSeconds} seconds`;
      return { error: `"Time limit" must be a number of ${text.unit === 'min' ? 'minutes' : 'seconds'} above 0 and at most ${most} (7 days).` };
    }
    out.timeoutSeconds = seconds;
  }
  if (text.attempts.trim()) {
    const n = Number(text.attempts);
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxAttempts) return { error: `"Attempts" must be a whole number from 1 to ${LIMITS.maxAttempts}.` };
    out.maxAttempts = n;
  }
  return out;
}
