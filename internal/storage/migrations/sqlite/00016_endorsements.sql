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

-- Endorsements of grant proposals, one row per proposal and community:
-- what was asked (letter, story, consent with its exact wording, reference
-- contact), the status (asked, answered, declined) with reminders, and the
-- answer. Consent is the source of truth for naming a community: given
-- (wording, who, when) or revoked (who, when; after_submission when the
-- proposal had already gone to the funder). Letters of support are PDFs kept
-- in the database (several instances serve them); replacing or withdrawing
-- one keeps it as history (ended_at, ended_how).
CREATE TABLE proposal_endorsements (
    proposal_id              INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    community_id             INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    status                   TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'answered', 'declined')),
    ask_letter               BOOLEAN NOT NULL DEFAULT FALSE,
    ask_story                BOOLEAN NOT NULL DEFAULT FALSE,
    ask_consent              BOOLEAN NOT NULL DEFAULT FALSE,
    ask_reference            BOOLEAN NOT NULL DEFAULT FALSE,
    message                  TEXT NOT NULL DEFAULT '',
    consent_wording          TEXT NOT NULL DEFAULT '',
    consent_to_be_named      BOOLEAN NOT NULL DEFAULT FALSE,
    consent_by_name          TEXT NOT NULL DEFAULT '',
    consent_at               TIMESTAMP,
    revoked_after_submission BOOLEAN NOT NULL DEFAULT FALSE,
    story_who                TEXT NOT NULL DEFAULT '',
    story_before             TEXT NOT NULL DEFAULT '',
    story_after              TEXT NOT NULL DEFAULT '',
    story_quote              TEXT NOT NULL DEFAULT '',
    story_numbers            TEXT NOT NULL DEFAULT '',
    reference_name           TEXT NOT NULL DEFAULT '',
    reference_email          TEXT NOT NULL DEFAULT '',
    reference_role           TEXT NOT NULL DEFAULT '',
    requested_by_name        TEXT NOT NULL DEFAULT '',
    requested_at             TIMESTAMP,
    reminded_at              TIMESTAMP,
    reminders                INTEGER NOT NULL DEFAULT 0,
    answered_by_name         TEXT NOT NULL DEFAULT '',
    answered_at              TIMESTAMP,
    PRIMARY KEY (proposal_id, community_id)
);
CREATE INDEX proposal_endorsements_community ON proposal_endorsements (community_id);

CREATE TABLE endorsement_letters (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id      INTEGER NOT NULL,
    community_id     INTEGER NOT NULL,
    file_name        TEXT NOT NULL,
    size             BIGINT NOT NULL,
    sha256           TEXT NOT NULL,
    content          BLOB NOT NULL,
    uploaded_by_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    uploaded_by_name TEXT NOT NULL,
    uploaded_at      TIMESTAMP NOT NULL,
    ended_at         TIMESTAMP,
    ended_how        TEXT NOT NULL DEFAULT '' CHECK (ended_how IN ('', 'replaced', 'withdrawn')),
    FOREIGN KEY (proposal_id, community_id) REFERENCES proposal_endorsements (proposal_id, community_id) ON DELETE CASCADE
);
CREATE INDEX endorsement_letters_endorsement ON endorsement_letters (proposal_id, community_id, id);

-- +goose Down
DROP TABLE endorsement_letters;
DROP TABLE proposal_endorsements;
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
