-- +goose Up
-- Staff may close a round before its closing time: who did it and why are
-- kept on the round (shown in the consortium's timeline); closes_at becomes
-- the actual closing time.
ALTER TABLE rounds ADD COLUMN closed_early_at TIMESTAMP;
ALTER TABLE rounds ADD COLUMN closed_early_by TEXT NOT NULL DEFAULT '';
ALTER TABLE rounds ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE rounds DROP COLUMN close_reason;
ALTER TABLE rounds DROP COLUMN closed_early_by;
ALTER TABLE rounds DROP COLUMN closed_early_at;
