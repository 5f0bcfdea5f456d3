/** One error type for every refused request; the error middleware turns it into `{error, statusCode, reason}`. */
import { defaultReason, type RefusalReason } from '../../../../shared/refusals.ts';

export { defaultReason };

export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Machine-readable, stable: what a client branches on (the message is for people). */
  readonly reason: RefusalReason;

  constructor(status: number, message: string, headers: Record<string, string> = {}, reason: RefusalReason = defaultReason(status)) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
    this.reason = reason;
  }
}
