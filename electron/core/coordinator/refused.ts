/** A request the domain will not carry out: a machine reason (its HTTP status is in shared/refusals.ts, applied only by http/) and a sentence for people. */
import type { RefusalReason } from '../../../shared/refusals.ts';

export class Refused extends Error {
  readonly reason: RefusalReason;
  /** Headers the answer should carry (e.g. Connection: close after an oversized upload). */
  readonly headers: Record<string, string>;

  constructor(reason: RefusalReason, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'Refused';
    this.reason = reason;
    this.headers = headers;
  }
}
