/** How a call to the coordinator failed: it answered with an error, or it could not be reached. */

/** The coordinator answered with an error status. */
export class CoordinatorError extends Error {
  readonly status: number;
  /** The body's machine-readable reason (coordinators of this version send one). */
  readonly reason: string | undefined;
  constructor(status: number, message: string, reason?: string) {
    super(message);
    this.name = 'CoordinatorError';
    this.status = status;
    this.reason = reason;
  }
}

/** The `error` sentence of a coordinator's error body. */
export function errorSentence(body: unknown): string {
  return typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : 'no message';
}

/** The `reason` of a coordinator's error body, if it has one. */
export function errorReason(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'reason' in body && typeof body.reason === 'string' ? body.reason : undefined;
}

/** The coordinator could not be reached (refused, reset, timed out). */
export class CoordinatorUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoordinatorUnreachable';
  }
}
