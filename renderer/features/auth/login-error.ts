/** What the login says when the coordinator refuses a token. */
import { ApiError } from '../../lib/api-error.ts';

/**
 * The coordinator answers 401 for a token it does not know and 403 for one it knows that is not the
 * admin's: the join token (its sentence says so) or a worker's.
 */
export function loginError(err: Error): string {
  if (!(err instanceof ApiError)) return err.message;
  if (err.status === 403 && /join token/i.test(err.message))
    return "That is the join token; use the admin token (adminToken in the coordinator's tokens.json). The join token only lets PCs join.";
  if (err.status === 403) return "That is a worker's token; use the admin token (adminToken in the coordinator's tokens.json).";
  if (err.status === 401) return 'That token is not valid for this coordinator. Use the admin token from its tokens.json.';
  return err.message;
}
