-- +goose Up
-- Endorsements with content. A narrative endorsement gains a user story of
-- impact and consent to be named for the whole area (the exact wording, who
-- gave it and when). Statements of work for co-funded initiatives are
-- versioned: each version keeps the content it was made from (JSON), and each
-- co-funder's lead acknowledges a version.

ALTER TABLE narrative_endorsements ADD COLUMN consent_to_be_named BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE narrative_endorsements ADD COLUMN consent_wording TEXT NOT NULL DEFAULT '';
ALTER TABLE narrative_endorsements ADD COLUMN consent_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE narrative_endorsements ADD COLUMN consent_at TIMESTAMP;
ALTER TABLE narrative_endorsements ADD COLUMN story_who TEXT NOT NULL DEFAULT '';
ALTER TABLE narrative_endorsements ADD COLUMN story_before TEXT NOT NULL DEFAULT '';
ALTER TABLE narrative_endorsements ADD COLUMN story_after TEXT NOT NULL DEFAULT '';
ALTER TABLE narrative_endorsements ADD COLUMN story_quote TEXT NOT NULL DEFAULT '';
ALTER TABLE narrative_endorsements ADD COLUMN story_numbers TEXT NOT NULL DEFAULT '';

CREATE TABLE statements_of_work (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id   INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    content         TEXT NOT NULL,
    created_by_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (initiative_id, version)
);

CREATE TABLE statement_acknowledgements (
    statement_id INTEGER NOT NULL REFERENCES statements_of_work (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    by_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_name      TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    PRIMARY KEY (statement_id, community_id)
);

-- +goose Down
DROP TABLE statement_acknowledgements;
DROP TABLE statements_of_work;
ALTER TABLE narrative_endorsements DROP COLUMN story_numbers;
ALTER TABLE narrative_endorsements DROP COLUMN story_quote;
ALTER TABLE narrative_endorsements DROP COLUMN story_after;
ALTER TABLE narrative_endorsements DROP COLUMN story_before;
ALTER TABLE narrative_endorsements DROP COLUMN story_who;
ALTER TABLE narrative_endorsements DROP COLUMN consent_at;
ALTER TABLE narrative_endorsements DROP COLUMN consent_by_name;
ALTER TABLE narrative_endorsements DROP COLUMN consent_wording;
ALTER TABLE narrative_endorsements DROP COLUMN consent_to_be_named;
