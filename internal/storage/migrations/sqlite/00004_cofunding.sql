-- +goose Up
-- Co-funding: funding goals with conditional, crowdmatching and matching
-- pledges; budget rounds for pooled money; quadratic-funding matching pools.
-- Money is always integer minor units plus an ISO 4217 currency code.

CREATE TABLE funding_goals (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id          INTEGER REFERENCES initiatives (id) ON DELETE CASCADE,
    consortium_id          INTEGER REFERENCES consortia (id) ON DELETE CASCADE,
    amount                 BIGINT NOT NULL CHECK (amount > 0),
    currency               TEXT NOT NULL,
    deadline               TIMESTAMP,
    all_or_nothing         BOOLEAN NOT NULL DEFAULT FALSE,
    match_counts_as_others BOOLEAN NOT NULL DEFAULT FALSE,
    note                   TEXT NOT NULL DEFAULT '',
    state                  TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    resolution             TEXT,
    committed_total        BIGINT NOT NULL DEFAULT 0,
    closed_at              TIMESTAMP,
    closed_by_name         TEXT NOT NULL DEFAULT '',
    created_by_name        TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    CHECK ((initiative_id IS NULL) <> (consortium_id IS NULL))
);
CREATE INDEX funding_goals_initiative ON funding_goals (initiative_id);
CREATE INDEX funding_goals_consortium ON funding_goals (consortium_id);
CREATE UNIQUE INDEX funding_goals_open_initiative ON funding_goals (initiative_id) WHERE state = 'open' AND initiative_id IS NOT NULL;
CREATE UNIQUE INDEX funding_goals_open_consortium ON funding_goals (consortium_id) WHERE state = 'open' AND consortium_id IS NOT NULL;

CREATE TABLE pledges (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id          INTEGER NOT NULL REFERENCES funding_goals (id) ON DELETE CASCADE,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('fixed', 'crowdmatching', 'matching')),
    amount           BIGINT NOT NULL CHECK (amount > 0),
    rate             TEXT NOT NULL DEFAULT '',
    currency         TEXT NOT NULL,
    condition        TEXT,
    anonymous        BOOLEAN NOT NULL DEFAULT FALSE,
    note             TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('draft', 'open', 'committed', 'invoiced', 'paid', 'withdrawn', 'lapsed')),
    committed_amount BIGINT NOT NULL DEFAULT 0,
    invoice_number   TEXT NOT NULL DEFAULT '',
    created_by_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by_name  TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    opened_at        TIMESTAMP,
    committed_at     TIMESTAMP,
    invoiced_at      TIMESTAMP,
    paid_at          TIMESTAMP,
    withdrawn_at     TIMESTAMP,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pledges_goal ON pledges (goal_id, id);
CREATE INDEX pledges_community ON pledges (community_id);
CREATE UNIQUE INDEX pledges_live ON pledges (goal_id, community_id) WHERE state <> 'withdrawn';

CREATE TABLE budget_rounds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id   INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    pool            BIGINT NOT NULL CHECK (pool > 0),
    currency        TEXT NOT NULL,
    rule            TEXT NOT NULL DEFAULT 'mes',
    utility         TEXT NOT NULL DEFAULT 'cost',
    completion      TEXT NOT NULL DEFAULT 'add1',
    closes_at       TIMESTAMP NOT NULL,
    closed_at       TIMESTAMP,
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX budget_rounds_consortium ON budget_rounds (consortium_id);

CREATE TABLE budget_candidates (
    round_id      INTEGER NOT NULL REFERENCES budget_rounds (id) ON DELETE CASCADE,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    cost          BIGINT NOT NULL CHECK (cost > 0),
    PRIMARY KEY (round_id, initiative_id)
);

CREATE TABLE budget_ballots (
    round_id     INTEGER NOT NULL REFERENCES budget_rounds (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    approved     TEXT NOT NULL,
    cast_by_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    cast_by_name TEXT NOT NULL,
    cast_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (round_id, community_id)
);

CREATE TABLE matching_pools (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id   INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    funder          TEXT NOT NULL,
    pool            BIGINT NOT NULL CHECK (pool > 0),
    currency        TEXT NOT NULL,
    cap_fraction    TEXT NOT NULL DEFAULT '',
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX matching_pools_consortium ON matching_pools (consortium_id);

-- +goose Down
DROP TABLE matching_pools;
DROP TABLE budget_ballots;
DROP TABLE budget_candidates;
DROP TABLE budget_rounds;
DROP TABLE pledges;
DROP TABLE funding_goals;
