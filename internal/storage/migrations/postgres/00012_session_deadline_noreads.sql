-- +goose Up
-- Sessions keep their absolute deadline beside their expiry, so the store
-- can extend the idle expiry (at most once a minute) without rewriting the
-- session's data on every request.
ALTER TABLE sessions ADD COLUMN deadline TIMESTAMPTZ;
UPDATE sessions SET deadline = expiry;

-- +goose Down
ALTER TABLE sessions DROP COLUMN deadline;
