-- +goose Up
-- Introductions: two parties connected with a purpose, tracked from a
-- suggestion to an outcome. External contacts (funders, collaborators) are
-- kept here and shown only to staff and the introducer.
CREATE TABLE introductions (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                  TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'suggested',
    from_community_id     INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    to_community_id       INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    contact_name          TEXT NOT NULL DEFAULT '',
    contact_organization  TEXT NOT NULL DEFAULT '',
    contact_email         TEXT NOT NULL DEFAULT '',
    initiative_id         INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
    note                  TEXT NOT NULL DEFAULT '',
    introducer_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    introducer_name       TEXT NOT NULL DEFAULT '',
    outcome               TEXT NOT NULL DEFAULT '',
    outcome_consortium_id INTEGER REFERENCES consortia (id) ON DELETE SET NULL,
    outcome_amount        INTEGER NOT NULL DEFAULT 0,
    outcome_currency      TEXT NOT NULL DEFAULT '',
    outcome_goal          TEXT NOT NULL DEFAULT '',
    introduced_at         TIMESTAMP,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX introductions_from ON introductions (from_community_id);
CREATE INDEX introductions_to ON introductions (to_community_id);
CREATE INDEX introductions_introducer ON introductions (introducer_id);

-- Double opt-in: each community's answer, given once.
CREATE TABLE introduction_consents (
    introduction_id INTEGER NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    community_id    INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    answer          TEXT NOT NULL,
    by_id           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_name         TEXT NOT NULL,
    at              TIMESTAMP NOT NULL,
    PRIMARY KEY (introduction_id, community_id)
);

-- Every move along the pipeline, with who and when.
CREATE TABLE introduction_moves (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    introduction_id INTEGER NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    from_status     TEXT NOT NULL,
    to_status       TEXT NOT NULL,
    by_id           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_name         TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    at              TIMESTAMP NOT NULL
);
CREATE INDEX introduction_moves_introduction ON introduction_moves (introduction_id, id);

-- +goose Down
DROP TABLE introduction_moves;
DROP TABLE introduction_consents;
DROP TABLE introductions;
