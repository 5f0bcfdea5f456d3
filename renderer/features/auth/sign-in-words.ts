/** What the sign-in says: a refused name, password or token, and a sign-in with the school's accounts that came back with an error. */
import { ApiError } from '../../lib/api-error.ts';

const WHERE = 'the admin token is printed when the coordinator starts, and kept as adminToken in tokens.json in its data folder';

/** Whose token a refused admin-token sign-in was, when the coordinator knows it (lib/api-people.ts whoseToken). */
export type TokenKind = 'join' | 'worker' | 'person' | null;

/** A refused sign-in in words: the coordinator's own sentence; a refused admin token also says whose token it was, and where the right one is. */
export function signInError(err: Error, token: { kind: TokenKind } | null = null): string {
  if (!(err instanceof ApiError)) return err.message;
  if (!token || err.status !== 401) return err.message;
  if (token.kind === 'join') return `That is the join token; use the admin token (${WHERE}). The join token only lets PCs join.`;
  if (token.kind === 'worker') return `That is a worker's token; use the admin token (${WHERE}).`;
  if (token.kind === 'person') return "That is a person's token, for cmdx in a terminal; sign in here with your name and password instead.";
  return `That token is not valid for this coordinator: ${WHERE}.`;
}

const OIDC_ERRORS: Record<string, string> = {
  access_denied: "The sign-in was cancelled or refused on the school's sign-in page.",
  login_required: "The school's sign-in page needs you to sign in there first; try again.",
  interaction_required: "The school's sign-in page needs you to sign in there first; try again.",
  consent_required: "The school's sign-in page asks you to agree first; try again and accept.",
  invalid_credentials: "The school's sign-in came back without an answer this coordinator could check; try again.",
  invalid_state: 'The sign-in took too long, or was started in another tab; try again.',
  state_mismatch: 'The sign-in took too long, or was started in another tab; try again.',
  expired: 'The sign-in took too long; try again.',
  not_allowed: 'Your school account has no access to this dashboard; ask an admin to add you on the People page.',
  unknown_user: 'Your school account has no access to this dashboard; ask an admin to add you on the People page.',
  no_account: 'Your school account has no access to this dashboard; ask an admin to add you on the People page.',
  user_disabled: 'Your account is disabled on this coordinator; ask an admin.',
  server_error: "The school's sign-in service had a problem; try again in a moment.",
  temporarily_unavailable: "The school's sign-in service is busy; try again in a moment.",
};

/** The `?error=` a sign-in with the school's accounts came back with, in the URL's hash (`#/?error=access_denied`), if any. */
export function oidcErrorCode(hash: string): string | null {
  const query = hash.indexOf('?');
  if (query < 0) return null;
  const code = new URLSearchParams(hash.slice(query + 1)).get('error');
  return code ? code.slice(0, 60) : null;
}

export function oidcErrorWords(code: string, label: string | null): string {
  return OIDC_ERRORS[code] ?? `Signing in with ${label ?? "the school's accounts"} did not work (${code}); try again, or ask an admin.`;
}
