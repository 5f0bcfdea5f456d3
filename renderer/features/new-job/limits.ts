/** A job's time limit (minutes) and attempts (a lost worker's job runs again until they are used up); empty: the coordinator's defaults. */
import { LIMITS } from '../../../shared/api.ts';

export interface LimitsText {
  timeoutMinutes: string;
  attempts: string;
}

export const NO_LIMITS: LimitsText = { timeoutMinutes: '', attempts: '' };

/** 90 s → "1.5", 3600 s → "60". */
export function minutesText(seconds: number): string {
  return String(Math.round((seconds / 60) * 100) / 100);
}

/** The limits as the API takes them, or the sentence saying which one is wrong. */
export function readLimits(text: LimitsText): { timeoutSeconds?: number; maxAttempts?: number } | { error: string } {
  const out: { timeoutSeconds?: number; maxAttempts?: number } = {};
  if (text.timeoutMinutes.trim()) {
    const minutes = Number(text.timeoutMinutes);
    const seconds = Math.round(minutes * 60);
    if (!Number.isFinite(minutes) || seconds < 1 || seconds > LIMITS.maxTimeoutSeconds)
      return { error: `"Time limit" must be a number of minutes above 0 and at most ${LIMITS.maxTimeoutSeconds / 60} (7 days).` };
    out.timeoutSeconds = seconds;
  }
  if (text.attempts.trim()) {
    const n = Number(text.attempts);
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxAttempts) return { error: `"Attempts" must be a whole number from 1 to ${LIMITS.maxAttempts}.` };
    out.maxAttempts = n;
  }
  return out;
}
