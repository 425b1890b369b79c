-- +goose Up
-- Matching pools take the per-project cap as an amount too, and Gitcoin's
-- quadratic-funding options (internal/matching/FORMAT.md).
ALTER TABLE matching_pools ADD COLUMN cap_amount BIGINT CHECK (cap_amount > 0);
ALTER TABLE matching_pools ADD COLUMN ignore_saturation BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE matching_pools ADD COLUMN keep_cap_overflow BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE matching_pools DROP COLUMN keep_cap_overflow;
ALTER TABLE matching_pools DROP COLUMN ignore_saturation;
ALTER TABLE matching_pools DROP COLUMN cap_amount;
