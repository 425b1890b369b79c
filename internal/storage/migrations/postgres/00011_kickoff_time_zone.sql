-- +goose Up
-- The kickoff is planned in an IANA time zone, like meetings, and shown in it.
ALTER TABLE consortia ADD COLUMN kickoff_time_zone TEXT NOT NULL DEFAULT 'UTC';

-- +goose Down
ALTER TABLE consortia DROP COLUMN kickoff_time_zone;
