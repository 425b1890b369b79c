-- +goose Up
-- Discussion threads: comments on a thing people can see (an initiative, a
-- narrative, a consortium or a meeting; the kind names which table the
-- subject id points into, so a new kind of thread needs no migration).
-- Replies are one level deep (parent_id names a top-level comment).
-- Deleting keeps the row (so replies keep their place) without its text.
CREATE TABLE comments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_kind   TEXT NOT NULL,
    subject_id     INTEGER NOT NULL,
    parent_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    author_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    edited_at      TIMESTAMP,
    deleted_at     TIMESTAMP,
    hidden_at      TIMESTAMP,
    hidden_by_name TEXT NOT NULL DEFAULT '',
    hidden_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comments_subject ON comments (subject_kind, subject_id, id);

-- Earlier versions of edited comments, oldest first.
CREATE TABLE comment_edits (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL
);
CREATE INDEX comment_edits_comment ON comment_edits (comment_id, id);

-- People following an initiative hear of its comments and status changes.
CREATE TABLE initiative_followers (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (initiative_id, user_id)
);

-- +goose Down
DROP TABLE initiative_followers;
DROP TABLE comment_edits;
DROP TABLE comments;
