/**
 * People: users (role, scope, a scrypt hash or an OpenID subject), their personal tokens and their dashboard sessions.
 * Tokens and sessions are kept as SHA-256 digests only; what was issued is shown once and never stored.
 */
import type { SqlStatement } from '../sql.ts';
import { PERSON_ROLES, type PersonRole, type Scope } from '../../../../../shared/roles.ts';
import type { Database } from '../sql.ts';
import { int, intOrNull, text, textOrNull, type Row } from '../row.ts';

export interface UserRecord {
  userId: string;
  name: string;
  displayName: string | null;
  role: PersonRole;
  scope: Scope | null;
  passwordHash: string | null;
  oidcSubject: string | null;
  disabledAt: number | null;
  createdAt: number;
  lastActiveAt: number | null;
}

export interface TokenRecord {
  tokenId: string;
  userId: string;
  name: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface SessionRecord {
  sessionHash: string;
  userId: string | null;
  via: 'password' | 'oidc' | 'admin-token';
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

function role(value: string): PersonRole {
  if (!(PERSON_ROLES as readonly string[]).includes(value)) throw new TypeError(`users.role holds ${value}`);
  return value as PersonRole;
}

function toUser(row: Row): UserRecord {
  const scope = textOrNull(row, 'scope');
  return {
    userId: text(row, 'user_id'),
    name: text(row, 'name'),
    displayName: textOrNull(row, 'display_name'),
    role: role(text(row, 'role')),
    scope: scope === null ? null : (JSON.parse(scope) as Scope),
    passwordHash: textOrNull(row, 'password_hash'),
    oidcSubject: textOrNull(row, 'oidc_subject'),
    disabledAt: intOrNull(row, 'disabled_at'),
    createdAt: int(row, 'created_at'),
    lastActiveAt: intOrNull(row, 'last_active_at'),
  };
}

function toToken(row: Row): TokenRecord {
  return {
    tokenId: text(row, 'token_id'),
    userId: text(row, 'user_id'),
    name: text(row, 'name'),
    createdAt: int(row, 'created_at'),
    expiresAt: int(row, 'expires_at'),
    lastUsedAt: intOrNull(row, 'last_used_at'),
    revokedAt: intOrNull(row, 'revoked_at'),
  };
}

function toSession(row: Row): SessionRecord {
  return {
    sessionHash: text(row, 'session_hash'),
    userId: textOrNull(row, 'user_id'),
    via: text(row, 'via') as SessionRecord['via'],
    csrf: text(row, 'csrf'),
    createdAt: int(row, 'created_at'),
    lastSeenAt: int(row, 'last_seen_at'),
    expiresAt: int(row, 'expires_at'),
  };
}

export class UserRepository {
  readonly #db: Database;
  readonly #byId: SqlStatement;
  readonly #byName: SqlStatement;
  readonly #bySubject: SqlStatement;
  readonly #tokenByHash: SqlStatement;
  readonly #sessionByHash: SqlStatement;
  readonly #touchSession: SqlStatement;
  readonly #touchUser: SqlStatement;

  constructor(db: Database) {
    this.#db = db;
    this.#byId = db.prepare('SELECT * FROM users WHERE user_id = ?');
    this.#byName = db.prepare('SELECT * FROM users WHERE name = ?');
    this.#bySubject = db.prepare('SELECT * FROM users WHERE oidc_subject = ?');
    this.#tokenByHash = db.prepare('SELECT * FROM user_tokens WHERE token_hash = ?');
    this.#sessionByHash = db.prepare('SELECT * FROM sessions WHERE session_hash = ?');
    this.#touchSession = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE session_hash = ?');
    this.#touchUser = db.prepare('UPDATE users SET last_active_at = ? WHERE user_id = ?');
  }

  get(userId: string): UserRecord | undefined {
    const row = this.#byId.get(userId);
    return row ? toUser(row) : undefined;
  }

  byName(name: string): UserRecord | undefined {
    const row = this.#byName.get(name);
    return row ? toUser(row) : undefined;
  }

  byOidcSubject(subject: string): UserRecord | undefined {
    const row = this.#bySubject.get(subject);
    return row ? toUser(row) : undefined;
  }

  all(): UserRecord[] {
    return this.#db.prepare('SELECT * FROM users ORDER BY name').all().map(toUser);
  }

  count(): number {
    return int(this.#db.prepare('SELECT count(*) AS n FROM users').get()!, 'n');
  }

  insert(user: UserRecord): void {
    this.#db
      .prepare(
        `INSERT INTO users (user_id, name, display_name, role, scope, password_hash, oidc_subject, disabled_at, created_at, last_active_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        user.userId,
        user.name,
        user.displayName,
        user.role,
        user.scope ? JSON.stringify(user.scope) : null,
        user.passwordHash,
        user.oidcSubject,
        user.disabledAt,
        user.createdAt,
        user.lastActiveAt,
      );
  }

  update(user: UserRecord): void {
    this.#db
      .prepare('UPDATE users SET display_name = ?, role = ?, scope = ?, password_hash = ?, oidc_subject = ?, disabled_at = ? WHERE user_id = ?')
      .run(user.displayName, user.role, user.scope ? JSON.stringify(user.scope) : null, user.passwordHash, user.oidcSubject, user.disabledAt, user.userId);
  }

  touch(userId: string, at: number): void {
    this.#touchUser.run(at, userId);
  }

  // Personal tokens.

  insertToken(token: TokenRecord, hash: string): void {
    this.#db
      .prepare(
        'INSERT INTO user_tokens (token_id, user_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)',
      )
      .run(token.tokenId, token.userId, token.name, hash, token.createdAt, token.expiresAt);
  }

  tokenByHash(hash: string): TokenRecord | undefined {
    const row = this.#tokenByHash.get(hash);
    return row ? toToken(row) : undefined;
  }

  token(tokenId: string): TokenRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM user_tokens WHERE token_id = ?').get(tokenId);
    return row ? toToken(row) : undefined;
  }

  tokens(userId?: string): TokenRecord[] {
    const rows =
      userId === undefined
        ? this.#db.prepare('SELECT * FROM user_tokens ORDER BY created_at DESC').all()
        : this.#db.prepare('SELECT * FROM user_tokens WHERE user_id = ? ORDER BY created_at DESC').all(userId);
    return rows.map(toToken);
  }

  liveTokenCount(userId: string, now: number): number {
    return int(this.#db.prepare('SELECT count(*) AS n FROM user_tokens WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?').get(userId, now)!, 'n');
  }

  tokenUsed(tokenId: string, at: number): void {
    this.#db.prepare('UPDATE user_tokens SET last_used_at = ? WHERE token_id = ?').run(at, tokenId);
  }

  revokeToken(tokenId: string, at: number): void {
    this.#db.prepare('UPDATE user_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE token_id = ?').run(at, tokenId);
  }

  revokeTokensOf(userId: string, at: number): void {
    this.#db.prepare('UPDATE user_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE user_id = ?').run(at, userId);
  }

  // Dashboard sessions.

  insertSession(session: SessionRecord): void {
    this.#db
      .prepare('INSERT INTO sessions (session_hash, user_id, via, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(session.sessionHash, session.userId, session.via, session.csrf, session.createdAt, session.lastSeenAt, session.expiresAt);
  }

  session(hash: string): SessionRecord | undefined {
    const row = this.#sessionByHash.get(hash);
    return row ? toSession(row) : undefined;
  }

  touchSession(hash: string, at: number): void {
    this.#touchSession.run(at, hash);
  }

  deleteSession(hash: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE session_hash = ?').run(hash);
  }

  /** Ends a person's sessions, all or all but one (a password change keeps the session it came from). */
  deleteSessionsOf(userId: string, except?: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE user_id = ? AND session_hash IS NOT ?').run(userId, except ?? null);
  }

  deleteExpiredSessions(now: number, idleMs: number): number {
    return Number(this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now, now - idleMs).changes);
  }
}
