/** How a call to the coordinator failed: it answered with an error, or it could not be reached. */

/** The coordinator answered with an error status. */
export class CoordinatorError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'CoordinatorError';
    this.status = status;
  }
}

/** The `error` sentence of a coordinator's error body. */
export function errorSentence(body: unknown): string {
  return typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : 'no message';
}

/** The coordinator could not be reached (refused, reset, timed out). */
export class CoordinatorUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoordinatorUnreachable';
  }
}
