/** One error type for every refused request; the error middleware turns it into `{error, statusCode, reason}`. */

/** The reason a client can act on when a refusal names none more precise: one per status. */
const REASON_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
  507: 'insufficient_storage',
};

export function defaultReason(status: number): string {
  return REASON_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
}

export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Machine-readable, stable: what a client branches on (the message is for people). */
  readonly reason: string;

  constructor(status: number, message: string, headers: Record<string, string> = {}, reason = defaultReason(status)) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
    this.reason = reason;
  }
}
