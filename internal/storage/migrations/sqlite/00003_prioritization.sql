-- +goose Up
CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    starts_at     TIMESTAMP NOT NULL,
    duration      INTEGER NOT NULL,
    time_zone     TEXT NOT NULL,
    location      TEXT NOT NULL DEFAULT '',
    video_url     TEXT NOT NULL DEFAULT '',
    agenda        TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    decisions     TEXT NOT NULL DEFAULT '',
    sequence      INTEGER NOT NULL DEFAULT 0,
    cancelled     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meetings_consortium ON meetings (consortium_id, starts_at);

CREATE TABLE meeting_rsvps (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    response   TEXT NOT NULL CHECK (response IN ('yes', 'no', 'maybe')),
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE demos (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    meeting_id    INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    initiative_id INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    video_url     TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX demos_consortium ON demos (consortium_id);

CREATE TABLE demo_reactions (
    demo_id      INTEGER NOT NULL REFERENCES demos (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    reaction     TEXT NOT NULL CHECK (reaction IN ('resonated', 'neutral', 'did_not_resonate')),
    comment      TEXT NOT NULL DEFAULT '',
    by_name      TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    PRIMARY KEY (demo_id, community_id)
);

CREATE TABLE rounds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    ballot_type   TEXT NOT NULL,
    method        TEXT NOT NULL,
    strength      TEXT NOT NULL DEFAULT '',
    unranked      TEXT NOT NULL DEFAULT '',
    max_score     INTEGER NOT NULL DEFAULT 0,
    dot_points    INTEGER NOT NULL DEFAULT 0,
    opens_at      TIMESTAMP NOT NULL,
    closes_at     TIMESTAMP NOT NULL,
    live_results  BOOLEAN NOT NULL DEFAULT FALSE,
    published_at  TIMESTAMP,
    applied_at    TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX rounds_consortium ON rounds (consortium_id);

CREATE TABLE round_candidates (
    round_id      INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, initiative_id)
);

CREATE TABLE round_weights (
    round_id     INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    weight       INTEGER NOT NULL,
    PRIMARY KEY (round_id, community_id)
);

CREATE TABLE ballots (
    round_id     INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    cast_by_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    cast_by_name TEXT NOT NULL,
    cast_at      TIMESTAMP NOT NULL,
    ballot       TEXT NOT NULL,
    PRIMARY KEY (round_id, community_id)
);

-- +goose Down
DROP TABLE ballots;
DROP TABLE round_weights;
DROP TABLE round_candidates;
DROP TABLE rounds;
DROP TABLE demo_reactions;
DROP TABLE demos;
DROP TABLE meeting_rsvps;
DROP TABLE meetings;
