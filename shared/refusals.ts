/**
 * Every reason a request can be refused, with the HTTP status it answers with: the one table the
 * coordinator's error handling, the endpoint table (which reasons each endpoint gives) and clients share.
 * A reason is stable and machine-readable; the `error` sentence next to it is for people.
 */
export const REFUSALS = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_zip: 400,
  log_seq_ahead: 400,
  nothing_to_rerun: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  session_expired: 401,
  join_token_expired: 401,
  join_token_used_up: 401,
  forbidden: 403,
  role_required: 403,
  out_of_scope: 403,
  csrf_failed: 403,
  user_disabled: 403,
  not_assigned: 403,
  not_found: 404,
  job_not_found: 404,
  worker_not_found: 404,
  run_not_found: 404,
  template_not_found: 404,
  schedule_not_found: 404,
  template_in_use: 409,
  webhook_not_found: 404,
  user_not_found: 404,
  token_not_found: 404,
  conflict: 409,
  already_ended: 409,
  upload_in_progress: 409,
  worker_online: 409,
  worker_exists: 409,
  user_exists: 409,
  too_large: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  join_list_full: 429,
  internal_error: 500,
  unavailable: 503,
  insufficient_storage: 507,
  artifacts_quota: 507,
  disk_full: 507,
} as const satisfies Record<string, number>;

export type RefusalReason = keyof typeof REFUSALS;

/** The reason a refusal names when none more precise applies: one per status. */
export function defaultReason(status: number): RefusalReason {
  const general: Record<number, RefusalReason> = {
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
  return general[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
}

export function isRefusalReason(text: string): text is RefusalReason {
  return Object.hasOwn(REFUSALS, text);
}
