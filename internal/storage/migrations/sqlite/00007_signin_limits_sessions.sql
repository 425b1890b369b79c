-- +goose Up
-- Sign-in limits are counters taken atomically before a password is
-- checked (one upsert per bucket: an address, an account+address pair, an
-- account), replacing the log of failures that was counted after the fact.
CREATE TABLE login_limits (
    bucket       TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    count        INTEGER NOT NULL
);
CREATE INDEX login_limits_window ON login_limits (window_start);
DROP TABLE login_attempts;

-- A session or calendar key carries the version it was made with; raising
-- the version ends every session (or calendar link) made before.
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN calendar_key_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN calendar_key_version;
ALTER TABLE users DROP COLUMN session_version;
CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at      TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);
DROP TABLE login_limits;
