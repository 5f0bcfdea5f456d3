/**
 * One attempt to deliver a webhook: a signed POST with a deadline. Redirects are not followed, at most a
 * few KB of the answer are read (and never kept: only its status counts), and nothing of ours but the
 * signed body goes out: no token, no cookie.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { APP_VERSION } from '../../../../shared/api.ts';

/** How much of a receiver's answer is read before the connection is closed. */
export const MAX_ANSWER_BYTES = 4096;

export interface Delivery {
  url: string;
  secret: string;
  event: string;
  deliveryId: string;
  /** The exact bytes signed and sent. */
  body: string;
}

export type AttemptOutcome = { statusCode: number; error: null } | { statusCode: null; error: string };

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the webhook's secret. */
export function signature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function deliveryHeaders(delivery: Delivery, bytes: Buffer, at: number): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Content-Length': String(bytes.length),
    'User-Agent': `cmdx/${APP_VERSION}`,
    'X-Cmdx-Event': delivery.event,
    'X-Cmdx-Delivery': delivery.deliveryId,
    'X-Cmdx-Timestamp': String(Math.floor(at / 1000)),
    'X-Cmdx-Signature': signature(delivery.secret, bytes),
  };
}

/** POSTs the delivery once; settles with the status code, or with a short reason when there was none (within `timeoutMs`). */
export function postOnce(delivery: Delivery, options: { timeoutMs: number; at: number; signal?: AbortSignal }): Promise<AttemptOutcome> {
  const bytes = Buffer.from(delivery.body, 'utf8');
  const url = new URL(delivery.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const req = request(url, { method: 'POST', headers: deliveryHeaders(delivery, bytes, options.at), signal, agent: false }, (res) => {
      // The status is the answer; a little of the body is read so the receiver is not cut off mid-sentence.
      settle({ statusCode: res.statusCode ?? 0, error: null });
      readSome(res, () => req.destroy());
    });
    req.on('error', (error) => {
      settle({ statusCode: null, error: deadline.aborted ? `no answer within ${options.timeoutMs / 1000} s` : describeError(error) });
    });
    req.end(bytes);
  });
}

/** Reads at most MAX_ANSWER_BYTES of the answer (dropped), then calls `done` (the deadline ends a body that never ends). */
function readSome(res: IncomingMessage, done: () => void): void {
  let read = 0;
  res.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read >= MAX_ANSWER_BYTES) done();
  });
  res.on('end', done);
  res.on('error', done);
}

/** A short reason without the receiver's words: connection refused, a name that does not resolve, a certificate refused. */
export function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ABORT_ERR':
      return 'stopped';
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) return `TLS certificate refused (${code})`;
  return (code ?? error.message).slice(0, 200);
}
