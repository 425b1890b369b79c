-- +goose Up
-- Invitations: a signed, single-use, expiring link sent by email. The link
-- carries a random nonce; only its SHA-256 is kept, and a resend replaces
-- it (the older link stops working).
CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    email        TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    community_id INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    role         TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'lead', 'contact', 'member')),
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    nonce_hash   TEXT NOT NULL,
    sent_count   INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP,
    accepted_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_community ON invitations (community_id);

-- Password resets: one row per link sent; used_at makes it single-use.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    nonce_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Single sign-on: who a provider's subject is here.
CREATE TABLE external_identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX external_identities_user ON external_identities (user_id);

-- People who signed in with a provider but have no account: staff decide.
CREATE TABLE access_requests (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (provider, subject)
);

-- +goose Down
DROP TABLE access_requests;
DROP TABLE external_identities;
DROP TABLE password_resets;
DROP TABLE invitations;
