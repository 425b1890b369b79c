-- +goose Up
-- Testing calls: staff ask member communities to try work in flight (or a
-- release of delivered work); a community's lead enrols it, acknowledging
-- the risks, and names its testers; testers report feedback, which staff
-- answer and mark addressed.
CREATE TABLE testing_calls (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id   INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    instructions    TEXT NOT NULL DEFAULT '',
    environment_url TEXT NOT NULL DEFAULT '',
    build           TEXT NOT NULL DEFAULT '',
    build_posted_at TIMESTAMP,
    risks           TEXT NOT NULL,
    ends_on         TEXT NOT NULL DEFAULT '',
    questions       TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    opened_by_name  TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX testing_calls_initiative ON testing_calls (initiative_id);

CREATE TABLE testing_enrolments (
    call_id          INTEGER NOT NULL REFERENCES testing_calls (id) ON DELETE CASCADE,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    enrolled_by_name TEXT NOT NULL DEFAULT '',
    risks_acknowledged_at TIMESTAMP NOT NULL,
    enrolled_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (call_id, community_id)
);
CREATE INDEX testing_enrolments_community ON testing_enrolments (community_id);

CREATE TABLE testing_testers (
    call_id      INTEGER NOT NULL REFERENCES testing_calls (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (call_id, community_id, user_id)
);
CREATE INDEX testing_testers_user ON testing_testers (user_id);

CREATE TABLE testing_feedback (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id           INTEGER NOT NULL REFERENCES testing_calls (id) ON DELETE CASCADE,
    community_id      INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_name       TEXT NOT NULL DEFAULT '',
    outcome           TEXT NOT NULL CHECK (outcome IN ('works', 'partly', 'broken', 'not_tried')),
    tried             TEXT NOT NULL DEFAULT '',
    summary           TEXT NOT NULL,
    link              TEXT NOT NULL DEFAULT '',
    answers           TEXT NOT NULL DEFAULT '[]',
    response          TEXT NOT NULL DEFAULT '',
    responded_by_name TEXT NOT NULL DEFAULT '',
    addressed_at      TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX testing_feedback_call ON testing_feedback (call_id, id);

-- +goose Down
DROP TABLE testing_feedback;
DROP TABLE testing_testers;
DROP TABLE testing_enrolments;
DROP TABLE testing_calls;
