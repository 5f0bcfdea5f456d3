/** Schema history from 27 on (migrations.ts holds 1 to 26 and appends these): append only, never edit an entry. */
export const LATER_MIGRATIONS: string[] = [
  // 27: people. Users with a role and a scope (JSON: tags), a scrypt password hash or an OpenID subject; their personal
  // tokens and dashboard sessions kept as SHA-256 digests only; the audit log, hash-chained (each row's hash covers the
  // previous row's), its targets indexed for a job's, run's or worker's history, and the chain's head and checkpoint.
  `CREATE TABLE users (
     user_id        TEXT PRIMARY KEY,
     name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
     display_name   TEXT,
     role           TEXT NOT NULL,
     scope          TEXT,
     password_hash  TEXT,
     oidc_subject   TEXT UNIQUE,
     disabled_at    INTEGER,
     created_at     INTEGER NOT NULL,
     last_active_at INTEGER
   );
   CREATE TABLE user_tokens (
     token_id     TEXT PRIMARY KEY,
     user_id      TEXT NOT NULL REFERENCES users(user_id),
     name         TEXT NOT NULL,
     token_hash   TEXT NOT NULL UNIQUE,
     created_at   INTEGER NOT NULL,
     expires_at   INTEGER NOT NULL,
     last_used_at INTEGER,
     revoked_at   INTEGER
   );
   CREATE INDEX user_tokens_by_user ON user_tokens(user_id);
   CREATE TABLE sessions (
     session_hash TEXT PRIMARY KEY,
     user_id      TEXT REFERENCES users(user_id),
     via          TEXT NOT NULL,
     csrf         TEXT NOT NULL,
     created_at   INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     expires_at   INTEGER NOT NULL
   );
   CREATE INDEX sessions_by_user ON sessions(user_id);
   CREATE TABLE audit (
     seq       INTEGER PRIMARY KEY,
     at        INTEGER NOT NULL,
     actor     TEXT NOT NULL,
     user_id   TEXT,
     role      TEXT,
     via       TEXT,
     address   TEXT,
     action    TEXT NOT NULL,
     targets   TEXT NOT NULL,
     outcome   TEXT NOT NULL,
     reason    TEXT,
     detail    TEXT,
     prev_hash TEXT NOT NULL,
     hash      TEXT NOT NULL
   );
   CREATE INDEX audit_by_actor ON audit(actor, seq);
   CREATE INDEX audit_by_action ON audit(action, seq);
   CREATE INDEX audit_by_at ON audit(at);
   CREATE TABLE audit_targets (target TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (target, seq)) WITHOUT ROWID;
   CREATE TABLE audit_chain (
     id          INTEGER PRIMARY KEY CHECK (id = 1),
     head_seq    INTEGER NOT NULL,
     head_hash   TEXT NOT NULL,
     anchor_seq  INTEGER NOT NULL,
     anchor_hash TEXT NOT NULL
   );
   INSERT INTO audit_chain VALUES (1, 0, '${'0'.repeat(64)}', 0, '${'0'.repeat(64)}');`,
];
