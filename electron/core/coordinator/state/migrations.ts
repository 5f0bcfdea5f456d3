import { LATER_MIGRATIONS } from './migrations-later.ts';

/** Schema history. Each entry runs once, in order, inside a transaction; PRAGMA user_version records how far we got. */
export const MIGRATIONS: readonly string[] = [
  // 1: workers, jobs and their output chunks.
  `
  CREATE TABLE workers (
    worker_id      TEXT PRIMARY KEY,
    hostname       TEXT NOT NULL,
    os             TEXT,
    cpu_count      INTEGER,
    version        TEXT,
    status         TEXT NOT NULL,
    last_heartbeat INTEGER NOT NULL,
    registered_at  INTEGER NOT NULL,
    token_hash     TEXT,
    current_job_id TEXT
  );
  CREATE UNIQUE INDEX workers_token_hash ON workers(token_hash) WHERE token_hash IS NOT NULL;

  CREATE TABLE jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id           TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL,
    worker_id        TEXT,
    command          TEXT NOT NULL,
    file_url         TEXT NOT NULL,
    filename         TEXT NOT NULL,
    exit_code        INTEGER,
    error_message    TEXT,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    completed_at     INTEGER,
    timeout_seconds  INTEGER NOT NULL,
    max_attempts     INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    -- 'worker' when a worker's report ended the job (so its retried report is answered 200 again).
    ended_by         TEXT
  );
  CREATE INDEX jobs_status_seq ON jobs(status, seq);
  CREATE INDEX jobs_running_worker ON jobs(worker_id) WHERE status = 'running';
  CREATE INDEX jobs_file_url ON jobs(file_url);

  CREATE TABLE job_output (
    job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,
    stream  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (job_seq, stream, seq)
  ) WITHOUT ROWID;
  `,
  // 2: a worker can be paused from its own screen; the dashboard shows it.
  `ALTER TABLE workers ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;`,
  // 3: when the worker started the job's first command (reported with the result), for pickup latency.
  `ALTER TABLE jobs ADD COLUMN command_started_at INTEGER;`,
  // 4: a one-row table that sync() updates with synchronous=FULL, so one fsync covers every earlier commit.
  `CREATE TABLE sync_marker (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO sync_marker (id, n) VALUES (1, 0);`,
  // 5: bytes stored per stream, kept with the job so appending output never re-reads what is stored.
  `ALTER TABLE jobs ADD COLUMN stdout_bytes INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE jobs ADD COLUMN stderr_bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE jobs SET stdout_bytes = (SELECT COALESCE(SUM(length(CAST(data AS BLOB))), 0) FROM job_output WHERE job_seq = jobs.seq AND stream = 'stdout'),
                   stderr_bytes = (SELECT COALESCE(SUM(length(CAST(data AS BLOB))), 0) FROM job_output WHERE job_seq = jobs.seq AND stream = 'stderr');`,
  // 6: why a job ended, as a value next to the sentence; older rows get it from their status and sentence.
  `ALTER TABLE jobs ADD COLUMN end_reason TEXT;
   UPDATE jobs SET end_reason = CASE
     WHEN status = 'completed' THEN 'exit'
     WHEN status = 'cancelled' THEN 'cancelled'
     WHEN error_message LIKE 'timed out%' THEN 'timeout'
     WHEN error_message LIKE '%restarted%' THEN 'worker_restarted'
     WHEN error_message LIKE '%stopped sending heartbeats%' THEN 'worker_lost'
     ELSE 'error' END
   WHERE status IN ('completed', 'failed', 'cancelled');`,
  // 7: limits on a join token (uses, expiry) and revoked workers (their token is gone, the row stays).
  `CREATE TABLE join_tokens (
     token_hash TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     max_uses   INTEGER,
     uses       INTEGER NOT NULL DEFAULT 0
   );
   ALTER TABLE workers ADD COLUMN revoked_at INTEGER;`,
  // 8: the SHA-256 of each uploaded zip, and of a job's zip, sent with the job so a worker can check its cached copy.
  `ALTER TABLE jobs ADD COLUMN file_sha256 TEXT;
   CREATE TABLE uploads (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, created_at INTEGER NOT NULL);`,
  // 9: what a worker says it cannot protect (a JSON list of sentences), shown on the dashboard.
  `ALTER TABLE workers ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';`,
  // 10: one ordered log per job (one sequence across stdout and stderr, with the worker's time), replacing
  // job_output's two streams; old rows keep their order within a stream, stdout first. log_next is the
  // first seq not yet stored, so a worker hears of a lost chunk without a scan.
  `CREATE TABLE job_log (
     job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,
     seq     INTEGER NOT NULL,
     stream  TEXT NOT NULL,
     time    INTEGER NOT NULL,
     data    TEXT NOT NULL,
     PRIMARY KEY (job_seq, seq)
   ) WITHOUT ROWID;
   INSERT INTO job_log (job_seq, seq, stream, time, data)
     SELECT o.job_seq, ROW_NUMBER() OVER (PARTITION BY o.job_seq ORDER BY o.stream = 'stderr', o.seq) - 1, o.stream,
            COALESCE(j.started_at, j.created_at), o.data
     FROM job_output o JOIN jobs j ON j.seq = o.job_seq;
   DROP TABLE job_output;
   ALTER TABLE jobs ADD COLUMN log_next INTEGER NOT NULL DEFAULT 0;
   UPDATE jobs SET log_next = (SELECT COUNT(*) FROM job_log WHERE job_seq = jobs.seq);`,
  // 11: targets, tags and runs. A job for one named worker keeps it in target_worker (indexed per
  // worker); other targets are their JSON in target (indexed by value, few distinct ones). A run's
  // state is derived from its jobs; the runs table holds only what was asked.
  `ALTER TABLE workers ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
   CREATE TABLE runs (
     seq              INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id           TEXT NOT NULL UNIQUE,
     mode             TEXT NOT NULL,
     command          TEXT NOT NULL,
     created_at       INTEGER NOT NULL,
     target           TEXT,
     max_parallel     INTEGER,
     score_pattern    TEXT,
     timeout_seconds  INTEGER NOT NULL,
     max_attempts     INTEGER NOT NULL,
     deadline_seconds INTEGER NOT NULL,
     file_url         TEXT,
     filename         TEXT
   );
   ALTER TABLE jobs ADD COLUMN run_id TEXT;
   ALTER TABLE jobs ADD COLUMN target_worker TEXT;
   ALTER TABLE jobs ADD COLUMN target TEXT;
   ALTER TABLE jobs ADD COLUMN deadline_at INTEGER;
   ALTER TABLE jobs ADD COLUMN score TEXT;
   ALTER TABLE jobs ADD COLUMN output_digest TEXT;
   CREATE INDEX jobs_pending_for_worker ON jobs(target_worker, seq) WHERE status = 'pending' AND target_worker IS NOT NULL;
   CREATE INDEX jobs_pending_untargeted ON jobs(seq) WHERE status = 'pending' AND target IS NULL;
   CREATE INDEX jobs_pending_by_target ON jobs(target, seq) WHERE status = 'pending' AND target_worker IS NULL AND target IS NOT NULL;
   CREATE INDEX jobs_pending_deadline ON jobs(deadline_at) WHERE status = 'pending' AND deadline_at IS NOT NULL;
   CREATE INDEX jobs_by_run ON jobs(run_id, status) WHERE run_id IS NOT NULL;`,
  // 12: outcome counts and filters (passed = completed with exit 0) read a range of this index.
  `CREATE INDEX jobs_status_exit ON jobs(status, exit_code);`,
  // 13: the admin's name for a worker (shown instead of its hostname) and the admin's pause.
  `ALTER TABLE workers ADD COLUMN display_name TEXT;
   ALTER TABLE workers ADD COLUMN admin_paused INTEGER NOT NULL DEFAULT 0;`,
  // 14: result files: the patterns asked for, what the worker brought back, and junit.xml's counts.
  `ALTER TABLE jobs ADD COLUMN artifact_patterns TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE jobs ADD COLUMN artifacts TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE jobs ADD COLUMN tests TEXT;
   ALTER TABLE runs ADD COLUMN artifact_patterns TEXT NOT NULL DEFAULT '[]';`,
  // 15: when workers may run jobs (scope 'lab', 'tag:<tag>' or 'worker:<id>'), and whether each is available now and why not.
  `CREATE TABLE policies (scope TEXT PRIMARY KEY, policy TEXT NOT NULL);
   ALTER TABLE workers ADD COLUMN available INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE workers ADD COLUMN availability_reason TEXT;`,
  // 16: when a worker was paused, at the PC or by the admin (the dashboard says who and when).
  `ALTER TABLE workers ADD COLUMN paused_at INTEGER;
   ALTER TABLE workers ADD COLUMN admin_paused_at INTEGER;`,
  // 17: migration 12's (status, exit_code) index cost a quarter of the job throughput (every status change
  // rewrote it; measured with the bench). Only completed jobs that failed need finding: a partial index,
  // touched when a job enters that state and never by the common case.
  `DROP INDEX IF EXISTS jobs_status_exit;
   CREATE INDEX jobs_completed_failing ON jobs(seq) WHERE status = 'completed' AND exit_code != 0;`,
  // 18: every worker's namesakes (same hostname) are looked up when it is shown: a re-installed PC, or an impostor.
  `CREATE INDEX workers_by_hostname ON workers(hostname COLLATE NOCASE);`,
  // 19: the shell a job's lines run in (cmd, powershell, pwsh or sh), and a run's for all its jobs;
  // NULL: the worker's default (cmd on Windows, sh elsewhere), chosen where the OS is known.
  `ALTER TABLE jobs ADD COLUMN shell TEXT;
   ALTER TABLE runs ADD COLUMN shell TEXT;`,
  // 20: a running job on hold (frozen while the student is at the PC) since when, and how long it was held before.
  `ALTER TABLE jobs ADD COLUMN suspended_since INTEGER;
   ALTER TABLE jobs ADD COLUMN suspended_ms INTEGER NOT NULL DEFAULT 0;`,
  // 21: a re-run names the run it repeats, so both pages link the one class's results together.
  `ALTER TABLE runs ADD COLUMN rerun_of TEXT;
   CREATE INDEX runs_by_rerun_of ON runs(rerun_of) WHERE rerun_of IS NOT NULL;`,
  // 22: a run's name ("Lab 3 - sorting"), shown everywhere and used in its files' names.
  `ALTER TABLE runs ADD COLUMN name TEXT;`,
  // 23: grading runs. The run keeps its settings and students; each job its hidden tests' zip (which its
  // worker alone may fetch while running it), its test report, points, first failure and the teacher's comment.
  `ALTER TABLE runs ADD COLUMN grading TEXT;
   ALTER TABLE runs ADD COLUMN students TEXT;
   ALTER TABLE jobs ADD COLUMN tests_url TEXT;
   ALTER TABLE jobs ADD COLUMN tests_sha256 TEXT;
   ALTER TABLE jobs ADD COLUMN test_report TEXT;
   ALTER TABLE jobs ADD COLUMN first_failure TEXT;
   ALTER TABLE jobs ADD COLUMN points REAL;
   ALTER TABLE jobs ADD COLUMN max_points REAL;
   ALTER TABLE jobs ADD COLUMN comment TEXT;
   CREATE INDEX jobs_tests_url ON jobs(tests_url) WHERE tests_url IS NOT NULL;`,
  // 24: saved commands (templates) with typed parameters, and their schedules. A job or run made from a
  // template keeps the template and the values it ran with; each due time of a schedule is one row
  // (its key), so a schedule never runs twice for one time, across restarts and coordinators.
  `CREATE TABLE templates (
     seq         INTEGER PRIMARY KEY AUTOINCREMENT,
     template_id TEXT NOT NULL UNIQUE,
     body        TEXT NOT NULL,
     created_at  INTEGER NOT NULL,
     updated_at  INTEGER NOT NULL
   );
   CREATE TABLE template_files (template_id TEXT NOT NULL, file_url TEXT NOT NULL, PRIMARY KEY (template_id, file_url));
   CREATE INDEX template_files_by_url ON template_files(file_url);
   ALTER TABLE jobs ADD COLUMN template_id TEXT;
   ALTER TABLE jobs ADD COLUMN params TEXT;
   ALTER TABLE runs ADD COLUMN template_id TEXT;
   ALTER TABLE runs ADD COLUMN params TEXT;
   CREATE TABLE schedules (
     seq           INTEGER PRIMARY KEY AUTOINCREMENT,
     schedule_id   TEXT NOT NULL UNIQUE,
     template_id   TEXT NOT NULL,
     body          TEXT NOT NULL,
     paused        INTEGER NOT NULL DEFAULT 0,
     created_at    INTEGER NOT NULL,
     handled_until INTEGER NOT NULL
   );
   CREATE TABLE schedule_runs (
     schedule_id TEXT NOT NULL,
     due_at      INTEGER NOT NULL,
     outcome     TEXT NOT NULL,
     run_id      TEXT,
     job_id      TEXT,
     message     TEXT,
     at          INTEGER NOT NULL,
     PRIMARY KEY (schedule_id, due_at)
   ) WITHOUT ROWID;`,
  // 25: webhooks (the secret kept to sign each delivery, never shown) and their deliveries, one row per event and
  // webhook with the exact body sent, so a restart resumes pending retries; each attempt is a row of the delivery log.
  `CREATE TABLE webhooks (
     webhook_id      TEXT PRIMARY KEY,
     url             TEXT NOT NULL,
     events          TEXT NOT NULL,
     secret          TEXT NOT NULL,
     created_at      INTEGER NOT NULL,
     disabled_at     INTEGER,
     disabled_reason TEXT,
     dropped         INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE webhook_deliveries (
     seq             INTEGER PRIMARY KEY AUTOINCREMENT,
     delivery_id     TEXT NOT NULL UNIQUE,
     webhook_id      TEXT NOT NULL REFERENCES webhooks(webhook_id) ON DELETE CASCADE,
     event           TEXT NOT NULL,
     body            TEXT NOT NULL,
     created_at      INTEGER NOT NULL,
     state           TEXT NOT NULL,
     next_attempt_at INTEGER
   );
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries(webhook_id, next_attempt_at) WHERE state = 'pending';
   CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id, seq);
   CREATE TABLE webhook_attempts (
     delivery_seq  INTEGER NOT NULL REFERENCES webhook_deliveries(seq) ON DELETE CASCADE,
     attempt       INTEGER NOT NULL,
     at            INTEGER NOT NULL,
     status_code   INTEGER,
     error         TEXT,
     duration_ms   INTEGER NOT NULL,
     next_retry_at INTEGER,
     PRIMARY KEY (delivery_seq, attempt)
   ) WITHOUT ROWID;`,
  // 26: wake-on-LAN and power actions. A worker's IPv4 interfaces (JSON: mac, address, broadcast) as it last
  // reported them, whether someone used the PC at its last heartbeat, and the last power action asked of it
  // (JSON: action, state, delay, force, when asked, when it happens or was answered, a message).
  `ALTER TABLE workers ADD COLUMN interfaces TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE workers ADD COLUMN in_use INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE workers ADD COLUMN power TEXT;`,
  ...LATER_MIGRATIONS,
];
