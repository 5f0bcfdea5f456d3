/** The dashboard's calls about people: signing in and out, users and roles, personal tokens, the audit log and one thing's history. */
import { LIMITS } from '../../shared/api.ts';
import type { AnswerOf } from '../../shared/endpoints/index.ts';
import { ApiCalls } from './api-call.ts';
import { readError } from './api-error.ts';
import type { AuditFilter, AuditPage, Download, NewUser, SessionDto, SessionOptions, SignInBody, UserChange } from './api-types.ts';

export class PeopleCalls extends ApiCalls {
  sessionOptions(): Promise<SessionOptions> {
    return this.call('getSessionOptions');
  }

  /** Who this page is signed in as (the session cookie), with the session's anti-CSRF value; 401 when it is not. */
  session(): Promise<SessionDto> {
    return this.call('getSession');
  }

  /** A name and password, or the admin token: the coordinator sets the session cookie and answers who is signed in. */
  signIn(body: SignInBody): Promise<SessionDto> {
    return this.call('postSessionLogin', { body });
  }

  /**
   * Whose token a refused admin-token sign-in was (the join token, a worker's, a person's), to say so: one request with
   * it as a bearer token, the only one the dashboard sends with a token in a header. Null: not a token of this coordinator.
   */
  async whoseToken(token: string): Promise<'join' | 'worker' | 'person' | null> {
    try {
      const res = await fetch(`${this.base}/api/coordinator/info`, { headers: { authorization: `Bearer ${token}` } });
      if (res.ok) return 'person';
      if (res.status !== 403) return null;
      return /join token/i.test((await readError(res)).message) ? 'join' : 'worker';
    } catch {
      return null;
    }
  }

  signOut(): Promise<AnswerOf<'postSessionLogout'>> {
    return this.call('postSessionLogout');
  }

  /** One's own password; the person's other sessions end. */
  changePassword(current: string, password: string): Promise<AnswerOf<'postSessionPassword'>> {
    return this.call('postSessionPassword', { body: { current, password } });
  }

  users(): Promise<AnswerOf<'getUsersCreate'>> {
    return this.call('getUsersCreate');
  }

  /** Without a password in `user`, the coordinator makes one and answers it once (initialPassword). */
  createUser(user: NewUser): Promise<AnswerOf<'postUsersCreate'>> {
    return this.call('postUsersCreate', { body: user });
  }

  /** A display name, role or scope changed, or (resetPassword) a new password answered once. */
  updateUser(change: UserChange): Promise<AnswerOf<'postUsersUpdate'>> {
    return this.call('postUsersUpdate', { body: change });
  }

  /** Disabled: their sessions end and their tokens stop working; enabled again: they may sign in again. */
  setUserEnabled(userId: string, enabled: boolean): Promise<AnswerOf<'postUsersDisable'>> {
    return this.call('postUsersDisable', { body: { userId, enabled } });
  }

  /** One's own personal tokens; an admin's `userId`: that person's. */
  tokens(userId?: string): Promise<AnswerOf<'getTokens'>> {
    return this.call('getTokens', { query: { userId } });
  }

  /** The token itself is in this answer only. */
  createToken(name: string, expiresInDays: number): Promise<AnswerOf<'postTokensCreate'>> {
    return this.call('postTokensCreate', { body: { name, expiresInDays } });
  }

  revokeToken(tokenId: string): Promise<AnswerOf<'postTokensRevoke'>> {
    return this.call('postTokensRevoke', { body: { tokenId } });
  }

  /** A page of the audit log, newest first; `before`: the nextBefore of the page above. */
  audit(filter: AuditFilter, before: number | null, limit: number = LIMITS.jobsPageSize): Promise<AuditPage> {
    return this.call('getAudit', { query: { ...filter, before: before ?? undefined, limit } });
  }

  /** The rows the filter matches, as the coordinator's CSV. */
  auditCsv(filter: AuditFilter): Promise<Download> {
    const query = new URLSearchParams({ format: 'csv' });
    for (const [name, value] of Object.entries(filter)) if (value) query.set(name, String(value));
    return this.download(`/api/audit?${query}`, 'audit.csv', 'the audit log');
  }

  /** A job's, run's or worker's own history (`job:ID`), for whoever may see the thing. */
  history(target: string): Promise<AnswerOf<'getAuditHistory'>> {
    return this.call('getAuditHistory', { query: { target } });
  }
}
