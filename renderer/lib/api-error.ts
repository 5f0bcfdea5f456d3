/** An error the coordinator answered, with its own sentence and its machine-readable reason. */
import type { ErrorBody } from '../../shared/api.ts';

export class ApiError extends Error {
  readonly status: number;
  /** The refusal's reason (`session_expired`, `role_required`, ...), when the coordinator gave one. */
  readonly reason: string | null;
  constructor(status: number, message: string, reason: string | null = null) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export async function readError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    return new ApiError(res.status, body.error ?? res.statusText, body.reason ?? null);
  } catch {
    return new ApiError(res.status, `The coordinator answered ${res.status} ${res.statusText}.`);
  }
}

/** A 401 that means this page is no longer signed in (its session ended, or its cookie is gone), not a wrong password. */
export function signedOutError(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 401 && (err.reason === 'session_expired' || err.reason === 'unauthorized');
}
