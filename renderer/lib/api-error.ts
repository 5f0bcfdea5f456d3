/** An error the coordinator answered, with its own sentence. */
import type { ErrorBody } from '../../shared/api.ts';

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function readError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as ErrorBody;
    return new ApiError(res.status, body.error ?? res.statusText);
  } catch {
    return new ApiError(res.status, `The coordinator answered ${res.status} ${res.statusText}.`);
  }
}
