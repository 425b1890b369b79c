-- +goose Up
-- Grant proposals to funders. Who leads: the host (lead_community_id NULL)
-- or a member community, with the host as subawardee or collaborator. The
-- communities involved (the lead too, role 'lead') and the roadmap's
-- initiatives a proposal includes are link tables; every status move is
-- recorded; budget lines are added to the initiatives' estimates; sections
-- are co-written by their owners. Money: integer minor units + currency.

CREATE TABLE proposals (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    title                TEXT NOT NULL,
    funder               TEXT NOT NULL,
    funder_website       TEXT NOT NULL DEFAULT '',
    programme            TEXT NOT NULL DEFAULT '',
    call_url             TEXT NOT NULL DEFAULT '',
    deadline             TIMESTAMP NOT NULL,
    time_zone            TEXT NOT NULL DEFAULT 'UTC',
    amount               BIGINT NOT NULL CHECK (amount > 0),
    currency             TEXT NOT NULL,
    period_start         TIMESTAMP,
    period_end           TIMESTAMP,
    summary              TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL CHECK (status IN ('idea', 'drafting', 'submitted', 'awarded', 'declined', 'withdrawn')),
    host_role            TEXT NOT NULL CHECK (host_role IN ('lead', 'subawardee', 'collaborator')),
    lead_community_id    INTEGER REFERENCES communities (id) ON DELETE RESTRICT,
    consortium_id        INTEGER REFERENCES consortia (id) ON DELETE SET NULL,
    public_award         BOOLEAN NOT NULL DEFAULT FALSE,
    award_amount         BIGINT,
    awarded_on           TIMESTAMP,
    deadline_reminded_at TIMESTAMP,
    created_by_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by_name      TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    CHECK ((lead_community_id IS NULL) = (host_role = 'lead'))
);
CREATE INDEX proposals_deadline ON proposals (deadline);
CREATE INDEX proposals_lead ON proposals (lead_community_id);
CREATE INDEX proposals_consortium ON proposals (consortium_id);

CREATE TABLE proposal_initiatives (
    proposal_id   INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    funded        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (proposal_id, initiative_id)
);
CREATE INDEX proposal_initiatives_initiative ON proposal_initiatives (initiative_id);

-- role: 'lead', 'partner' or 'endorser'; credited is set when the proposal
-- is awarded.
CREATE TABLE proposal_communities (
    proposal_id  INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    credited     BOOLEAN NOT NULL DEFAULT FALSE,
    added_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, community_id)
);
CREATE INDEX proposal_communities_community ON proposal_communities (community_id);

CREATE TABLE proposal_status_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    by_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_name     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX proposal_status_changes_proposal ON proposal_status_changes (proposal_id, id);

-- A line added to the estimates: a fixed amount (travel, equipment, other)
-- or overhead as a percentage (basis points) of its party's direct costs.
-- party: whose share it is, 'host' or 'lead'.
CREATE TABLE proposal_budget_lines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('travel', 'equipment', 'personnel', 'other', 'overhead')),
    label       TEXT NOT NULL,
    amount      BIGINT NOT NULL DEFAULT 0,
    percent_bp  INTEGER NOT NULL DEFAULT 0,
    party       TEXT NOT NULL CHECK (party IN ('host', 'lead')),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX proposal_budget_lines_proposal ON proposal_budget_lines (proposal_id, id);

CREATE TABLE proposal_sections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    owner_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    due_at      TIMESTAMP,
    status      TEXT NOT NULL CHECK (status IN ('todo', 'drafting', 'review', 'done')),
    body        TEXT NOT NULL DEFAULT '',
    reminded_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX proposal_sections_proposal ON proposal_sections (proposal_id, id);
CREATE INDEX proposal_sections_owner ON proposal_sections (owner_id);

-- +goose Down
DROP TABLE proposal_sections;
DROP TABLE proposal_budget_lines;
DROP TABLE proposal_status_changes;
DROP TABLE proposal_communities;
DROP TABLE proposal_initiatives;
DROP TABLE proposals;
