-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE initiatives (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    slug              TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    persona           TEXT NOT NULL DEFAULT '',
    problem           TEXT NOT NULL DEFAULT '',
    solution          TEXT NOT NULL DEFAULT '',
    implementation    TEXT NOT NULL DEFAULT '',
    ecosystem_fit     TEXT NOT NULL DEFAULT '',
    size              TEXT NOT NULL DEFAULT '',
    hours_low         INTEGER NOT NULL DEFAULT 0,
    hours_high        INTEGER NOT NULL DEFAULT 0,
    rate_minor        INTEGER NOT NULL DEFAULT 0,
    currency          TEXT NOT NULL DEFAULT 'USD',
    status            TEXT NOT NULL DEFAULT 'idea',
    status_changed_at TIMESTAMP NOT NULL,
    status_changed_by TEXT NOT NULL DEFAULT '',
    public            BOOLEAN NOT NULL DEFAULT FALSE,
    author_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_name       TEXT NOT NULL DEFAULT '',
    priority          INTEGER,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX initiatives_status ON initiatives (status, priority, id);

CREATE TABLE initiative_themes (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    theme         TEXT NOT NULL,
    PRIMARY KEY (initiative_id, theme)
);
CREATE INDEX initiative_themes_theme ON initiative_themes (theme);

CREATE TABLE initiative_links (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    label         TEXT NOT NULL,
    url           TEXT NOT NULL
);
CREATE INDEX initiative_links_initiative ON initiative_links (initiative_id);

CREATE TABLE initiative_tasks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    title         TEXT NOT NULL,
    done          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX initiative_tasks_initiative ON initiative_tasks (initiative_id);

CREATE TABLE initiative_status_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    from_status   TEXT NOT NULL,
    to_status     TEXT NOT NULL,
    by_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_name       TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX initiative_status_history_initiative ON initiative_status_history (initiative_id);

CREATE TABLE initiative_interest (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('interested', 'co_funded')),
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (initiative_id, community_id, kind)
);
CREATE INDEX initiative_interest_community ON initiative_interest (community_id);

CREATE TABLE narratives (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    story      TEXT NOT NULL DEFAULT '',
    gaps       TEXT NOT NULL DEFAULT '',
    public     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE narrative_themes (
    narrative_id INTEGER NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    theme        TEXT NOT NULL,
    PRIMARY KEY (narrative_id, theme)
);

CREATE TABLE narrative_initiatives (
    narrative_id  INTEGER NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    PRIMARY KEY (narrative_id, initiative_id)
);
CREATE INDEX narrative_initiatives_initiative ON narrative_initiatives (initiative_id);

CREATE TABLE narrative_endorsements (
    narrative_id INTEGER NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (narrative_id, community_id)
);

CREATE TABLE consortia (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                      TEXT NOT NULL UNIQUE,
    name                      TEXT NOT NULL,
    problem                   TEXT NOT NULL,
    goals                     TEXT NOT NULL DEFAULT '',
    goals_agreed              BOOLEAN NOT NULL DEFAULT FALSE,
    stage                     TEXT NOT NULL DEFAULT 'proposed',
    visibility                TEXT NOT NULL DEFAULT 'public',
    slack_channel             TEXT NOT NULL DEFAULT '',
    mailing_segment           TEXT NOT NULL DEFAULT '',
    guide_url                 TEXT NOT NULL DEFAULT '',
    critical_mass_communities INTEGER NOT NULL DEFAULT 3,
    critical_mass_people      INTEGER NOT NULL DEFAULT 5,
    kickoff_at                TIMESTAMP,
    decision                  TEXT NOT NULL DEFAULT '',
    decision_note             TEXT NOT NULL DEFAULT '',
    closing_summary           TEXT NOT NULL DEFAULT '',
    proposed_by_id            INTEGER REFERENCES users (id) ON DELETE SET NULL,
    proposed_by_name          TEXT NOT NULL DEFAULT '',
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL,
    version                   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX consortia_stage ON consortia (stage);

CREATE TABLE consortium_narratives (
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    narrative_id  INTEGER NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    PRIMARY KEY (consortium_id, narrative_id)
);

CREATE TABLE consortium_initiatives (
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    PRIMARY KEY (consortium_id, initiative_id)
);
CREATE INDEX consortium_initiatives_initiative ON consortium_initiatives (initiative_id);

CREATE TABLE consortium_supporters (
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    community_id  INTEGER REFERENCES communities (id) ON DELETE SET NULL,
    will_meet     BOOLEAN NOT NULL DEFAULT TRUE,
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (consortium_id, user_id)
);

CREATE TABLE consortium_members (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    roles         TEXT NOT NULL,
    co_create     TEXT NOT NULL DEFAULT 'some',
    share_credit  TEXT NOT NULL DEFAULT 'some',
    early_adopter TEXT NOT NULL DEFAULT 'some',
    joined_at     TIMESTAMP NOT NULL,
    left_at       TIMESTAMP
);
CREATE INDEX consortium_members_consortium ON consortium_members (consortium_id);
CREATE INDEX consortium_members_community ON consortium_members (community_id);
-- One current membership per community and consortium; past ones stay as history.
CREATE UNIQUE INDEX consortium_members_current ON consortium_members (consortium_id, community_id) WHERE left_at IS NULL;

CREATE TABLE consortium_member_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    action        TEXT NOT NULL,
    roles         TEXT NOT NULL,
    by_name       TEXT NOT NULL,
    at            TIMESTAMP NOT NULL
);
CREATE INDEX consortium_member_events_consortium ON consortium_member_events (consortium_id);

CREATE TABLE consortium_transitions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    consortium_id INTEGER NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    from_stage    TEXT NOT NULL,
    to_stage      TEXT NOT NULL,
    by_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_name       TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    override      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX consortium_transitions_consortium ON consortium_transitions (consortium_id);

-- +goose Down
DROP TABLE consortium_transitions;
DROP TABLE consortium_member_events;
DROP TABLE consortium_members;
DROP TABLE consortium_supporters;
DROP TABLE consortium_initiatives;
DROP TABLE consortium_narratives;
DROP TABLE consortia;
DROP TABLE narrative_endorsements;
DROP TABLE narrative_initiatives;
DROP TABLE narrative_themes;
DROP TABLE narratives;
DROP TABLE initiative_interest;
DROP TABLE initiative_status_history;
DROP TABLE initiative_tasks;
DROP TABLE initiative_links;
DROP TABLE initiative_themes;
DROP TABLE initiatives;
DROP TABLE settings;
